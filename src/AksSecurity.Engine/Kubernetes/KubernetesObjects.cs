using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Kubernetes;

public enum ApplyOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>What a server-side apply did, and the object as the server then holds it.</summary>
public sealed record ApplyResult(ApplyOutcome Outcome, JsonObject Live);

/// <summary>
/// Reads and writes any Kubernetes object as JSON over REST: core (/api/v1) and named groups (/apis/{group}/{version}),
/// custom resources generically. Writes are server-side apply with our field manager.
/// </summary>
public sealed class KubernetesObjects
{
    public const string FieldManager = "aks-security";

    private readonly KubernetesHttp _http;
    private readonly ConcurrentDictionary<(string, string), KubernetesResourceType> _discovered = new();

    internal KubernetesObjects(KubernetesHttp http) => _http = http;

    /// <summary>The object, or null when it does not exist (404).</summary>
    public async Task<JsonObject?> GetAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct)
    {
        var type = await ResolveAsync(apiVersion, kind, ns, ct).ConfigureAwait(false);
        var path = type.ObjectPath(NamespaceFor(type, ns, name), name);
        var response = await _http.SendAsync(HttpMethod.Get, path, null, null, retryable: true, ct).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return null;
        }

        return response.IsSuccess ? AsObject(response, path) : throw KubernetesErrors.ToException(response, "get", Describe(kind, ns, name), type.Plural);
    }

    /// <summary>Every object of a kind, in one namespace or (ns null on a namespaced kind) all of them, optionally by label selector.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string apiVersion, string kind, string? ns, string? labelSelector, CancellationToken ct)
    {
        var type = await ResolveAsync(apiVersion, kind, ns, ct).ConfigureAwait(false);
        var items = new List<JsonObject>();
        string? next = null;
        do
        {
            var query = new List<string> { "limit=500" };
            if (!string.IsNullOrEmpty(labelSelector))
            {
                query.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
            }

            if (next is not null)
            {
                query.Add("continue=" + Uri.EscapeDataString(next));
            }

            var path = $"{type.CollectionPath(type.Namespaced ? ns : null)}?{string.Join('&', query)}";
            var response = await _http.SendAsync(HttpMethod.Get, path, null, null, retryable: true, ct).ConfigureAwait(false);
            if (response.Status == 404 && KubernetesResourceMap.TryGetKnown(apiVersion, kind) is null)
            {
                // The kind is not served (a CRD not installed): there is nothing of it.
                return items;
            }

            if (!response.IsSuccess)
            {
                throw KubernetesErrors.ToException(response, "list", $"{type.Plural}{(ns is null ? "" : $" in namespace {ns}")}", type.Plural);
            }

            var list = AsObject(response, path);
            foreach (var item in (list["items"] as JsonArray)?.OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>())
            {
                // List items carry no apiVersion/kind; add them so every object reads alike.
                var copy = (JsonObject)item.DeepClone();
                copy["apiVersion"] ??= apiVersion;
                copy["kind"] ??= kind;
                items.Add(copy);
            }

            next = list["metadata"]?["continue"] is JsonValue v && v.TryGetValue<string>(out var token) && token.Length > 0 ? token : null;
        }
        while (next is not null);

        return items;
    }

    /// <summary>
    /// Server-side apply (PATCH application/apply-patch+yaml, field manager aks-security); <paramref name="force"/> takes over fields
    /// other managers own. Unchanged when the resourceVersion did not move.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(JsonObject manifest, bool force, CancellationToken ct)
    {
        var reference = KubernetesObjectRef.Of(manifest);
        var type = await ResolveAsync(reference.ApiVersion, reference.Kind, reference.Namespace, ct).ConfigureAwait(false);
        var ns = NamespaceFor(type, reference.Namespace, reference.Name);
        var before = await GetAsync(reference.ApiVersion, reference.Kind, ns, reference.Name, ct).ConfigureAwait(false);
        var path = $"{type.ObjectPath(ns, reference.Name)}?fieldManager={FieldManager}{(force ? "&force=true" : "")}";
        // JSON is YAML, so the manifest goes as it is: no re-typing of its scalars.
        var response = await _http.SendAsync(HttpMethod.Patch, path, "application/apply-patch+yaml", manifest.ToJsonString(), retryable: true, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw KubernetesErrors.ToException(response, "patch", reference.ToString(), type.Plural);
        }

        var live = AsObject(response, path);
        var outcome = before is null || response.Status == 201 ? ApplyOutcome.Created
            : ResourceVersion(before) == ResourceVersion(live) ? ApplyOutcome.Unchanged
            : ApplyOutcome.Updated;
        return new ApplyResult(outcome, live);
    }

    /// <summary>Creates an object (POST), for objects that are made once and not re-applied (Jobs).</summary>
    public async Task<JsonObject> CreateAsync(JsonObject manifest, CancellationToken ct)
    {
        var reference = KubernetesObjectRef.Of(manifest);
        var type = await ResolveAsync(reference.ApiVersion, reference.Kind, reference.Namespace, ct).ConfigureAwait(false);
        var path = $"{type.CollectionPath(NamespaceFor(type, reference.Namespace, reference.Name))}?fieldManager={FieldManager}";
        var response = await _http.SendAsync(HttpMethod.Post, path, "application/json", manifest.ToJsonString(), retryable: false, ct).ConfigureAwait(false);
        return response.IsSuccess ? AsObject(response, path) : throw KubernetesErrors.ToException(response, "create", reference.ToString(), type.Plural);
    }

    /// <summary>Deletes an object with propagationPolicy=Background (a Job's pods go too); false when it was not there.</summary>
    public async Task<bool> DeleteAsync(string apiVersion, string kind, string? ns, string name, CancellationToken ct)
    {
        var type = await ResolveAsync(apiVersion, kind, ns, ct).ConfigureAwait(false);
        var path = $"{type.ObjectPath(NamespaceFor(type, ns, name), name)}?propagationPolicy=Background";
        var response = await _http.SendAsync(HttpMethod.Delete, path, null, null, retryable: true, ct).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return false;
        }

        return response.IsSuccess ? true : throw KubernetesErrors.ToException(response, "delete", Describe(kind, ns, name), type.Plural);
    }

    /// <summary>A pod's log as text.</summary>
    public async Task<string> ReadLogAsync(string ns, string pod, string? container, DateTimeOffset? since, int? tailLines, CancellationToken ct)
    {
        var path = LogPath(ns, pod, container, since, tailLines, follow: false);
        var response = await _http.SendAsync(HttpMethod.Get, path, null, null, retryable: true, ct).ConfigureAwait(false);
        return response.IsSuccess ? response.Text : throw KubernetesErrors.ToException(response, "get", $"the log of pod {ns}/{pod}", "pods/log");
    }

    /// <summary>A pod's log line by line as it is written (follow=true), until the pod ends or <paramref name="ct"/> is cancelled.</summary>
    public async IAsyncEnumerable<string> FollowLogAsync(string ns, string pod, string? container, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = LogPath(ns, pod, container, since, null, follow: true);
        using var response = await _http.OpenStreamAsync(path, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw KubernetesErrors.ToException(new KubernetesResponse((int)response.StatusCode, TryParse(text), text), "get", $"the log of pod {ns}/{pod}", "pods/log");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false));
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            yield return line;
        }
    }

    /// <summary>The REST type of a kind: known, else discovery, else Kubernetes' default plural with the scope the caller implies.</summary>
    internal async Task<KubernetesResourceType> ResolveAsync(string apiVersion, string kind, string? ns, CancellationToken ct)
    {
        KubernetesResourceMap.Validate(apiVersion, kind, $"{kind} {ns}");
        if (KubernetesResourceMap.TryGetKnown(apiVersion, kind) is { } known)
        {
            return known;
        }

        if (_discovered.TryGetValue((apiVersion, kind), out var found))
        {
            return found;
        }

        var groupVersion = new KubernetesResourceType(apiVersion, kind, "", false).GroupVersionPath;
        var response = await _http.SendAsync(HttpMethod.Get, groupVersion, null, null, retryable: true, ct).ConfigureAwait(false);
        var type = response.IsSuccess && response.Body is JsonObject list ? KubernetesResourceMap.FromDiscovery(apiVersion, kind, list) : null;
        if (type is null)
        {
            // Not listed (the CRD is not installed yet, or the server does not serve discovery): Kubernetes' default plural.
            return new KubernetesResourceType(apiVersion, kind, KubernetesResourceMap.DefaultPlural(kind), ns is not null);
        }

        _discovered[(apiVersion, kind)] = type;
        return type;
    }

    private static string? NamespaceFor(KubernetesResourceType type, string? ns, string name)
    {
        if (!type.Namespaced)
        {
            return null;
        }

        return !string.IsNullOrEmpty(ns) ? ns
            : throw new AksSecurityException(AksErrorKind.InvalidArgument, $"{type.Kind} '{name}' lives in a namespace; none was given.", name);
    }

    private static string LogPath(string ns, string pod, string? container, DateTimeOffset? since, int? tailLines, bool follow)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(container))
        {
            query.Add("container=" + Uri.EscapeDataString(container));
        }

        if (since is { } time)
        {
            query.Add("sinceTime=" + Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        }

        if (tailLines is { } tail)
        {
            query.Add("tailLines=" + tail.ToString(CultureInfo.InvariantCulture));
        }

        if (follow)
        {
            query.Add("follow=true");
        }

        var path = $"/api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(pod)}/log";
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }

    private static JsonObject AsObject(KubernetesResponse response, string path) =>
        response.Body as JsonObject ?? throw new AksSecurityException(AksErrorKind.InvalidData, $"The API server answered {path} with no JSON object.", path);

    private static string? ResourceVersion(JsonObject obj) => obj["metadata"]?["resourceVersion"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Describe(string kind, string? ns, string name) => $"{kind} {(ns is null ? "" : ns + "/")}{name}";

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
