using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.TestServers.Internal;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>Who sent a request: how they authenticated, the user name, and whether every API call is refused (403).</summary>
internal sealed record Caller(string AuthKind, string User, bool Forbidden)
{
    public bool IsAuthenticated => AuthKind is not ("None" or "Rejected");
}

/// <summary>What a watch follows: a collection, optionally narrowed by label and field selectors.</summary>
internal sealed record WatchScope(ResourceType Type, string? Namespace, Func<IReadOnlyDictionary<string, string>, bool> Labels, Func<JsonObject, bool> Fields);

/// <summary>A parsed REST target: /api/v1/[namespaces/{ns}/]{plural}[/{name}[/{subresource}]] or the /apis/{group}/{version}/… equivalent.</summary>
internal sealed record ResourceTarget(ResourceType Type, string? Namespace, string? Name, string? Subresource);

/// <summary>
/// The REST surface of the fake API server: discovery, and GET/LIST/POST/PUT/PATCH/DELETE of the stored objects.
/// Handlers run under the state gate and return a complete response (pods/log follow streams: see FakeKubernetesServer).
/// </summary>
internal sealed class KubernetesApi(KubernetesState state)
{
    private const string ApplyPatch = "application/apply-patch+yaml";
    private const string MergePatch = "application/merge-patch+json";
    private const string StrategicMergePatch = "application/strategic-merge-patch+json";

    /// <summary>Parses the path; null result with a response when it names no resource.</summary>
    public (ResourceTarget? Target, FakeResponse? Response) Resolve(string[] segments)
    {
        string group, version;
        string[] rest;
        if (segments.Length >= 3 && segments[0] == "api" && segments[1] == "v1")
        {
            (group, version, rest) = ("", "v1", segments[2..]);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            return (null, KubeStatus.UnknownPath());
        }

        string? ns = null;
        if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
        {
            ns = Uri.UnescapeDataString(rest[1]);
            rest = rest[2..];
        }

        if (rest.Length > 3 || state.Find(group, rest[0], version) is not { } type || (ns is not null && !type.Namespaced))
        {
            return (null, KubeStatus.UnknownPath());
        }

        return (new ResourceTarget(type, ns, rest.Length > 1 ? Uri.UnescapeDataString(rest[1]) : null, rest.Length > 2 ? rest[2] : null), null);
    }

    /// <summary>The RBAC verb of a request, for 403 messages.</summary>
    public static string VerbOf(string method, ResourceTarget target, bool watch) => method switch
    {
        "GET" when watch => "watch",
        "GET" => target.Name is null ? "list" : "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => target.Name is null ? "deletecollection" : "delete",
        _ => method.ToLowerInvariant(),
    };

    public FakeResponse Handle(FakeRequest request, Caller caller)
    {
        var segments = request.Segments;
        switch (segments)
        {
            case ["version"] when request.Method == "GET":
                return FakeResponse.Json(200, Version());
            case ["api"] when request.Method == "GET":
                return FakeResponse.Json(200, new JsonObject
                {
                    ["kind"] = "APIVersions",
                    ["versions"] = new JsonArray("v1"),
                    ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = request.BaseUri.Authority }),
                });
            case ["apis"] when request.Method == "GET":
                return FakeResponse.Json(200, GroupList());
            case ["api", "v1"] when request.Method == "GET":
                return ResourceList("", "v1");
            case ["apis", var group] when request.Method == "GET":
                return GroupList()["groups"]!.AsArray().FirstOrDefault(g => g?["name"]?.GetValue<string>() == group) is { } found
                    ? FakeResponse.Json(200, WithKind(found.DeepClone().AsObject(), "APIGroup"))
                    : KubeStatus.UnknownPath();
            case ["apis", var group, var version] when request.Method == "GET":
                return ResourceList(group, version);
        }

        var (target, unknown) = Resolve(segments);
        if (target is null)
        {
            return unknown!;
        }

        var watch = request.QueryValue("watch") is "true" or "1";
        if (caller.Forbidden)
        {
            return KubeStatus.Forbidden(target.Type, target.Name, target.Namespace, VerbOf(request.Method, target, watch), caller.User);
        }

        if (target.Subresource is not null)
        {
            return target.Subresource == "status" && request.Method == "GET" ? Get(target) : KubeStatus.UnknownPath();
        }

        try
        {
            return (request.Method, target.Name) switch
            {
                ("GET", null) => List(target, request),
                ("GET", _) => Get(target),
                ("POST", null) => Create(target, request),
                ("PUT", not null) => Update(target, request),
                ("PATCH", not null) => Patch(target, request),
                ("DELETE", not null) => Delete(target, request),
                ("DELETE", null) => DeleteCollection(target, request),
                _ => KubeStatus.MethodNotSupported(target.Type, request.Method),
            };
        }
        catch (FormatException e)
        {
            return KubeStatus.BadRequest(e.Message);
        }
    }

    /// <summary>
    /// Checks a watch request (GET on a collection with watch=true): the resource, the caller's rights and the selectors.
    /// A single object is watched with fieldSelector=metadata.name=NAME, as clients do.
    /// </summary>
    public (WatchScope? Scope, FakeResponse? Problem) PrepareWatch(FakeRequest request, Caller caller)
    {
        var (target, unknown) = Resolve(request.Segments);
        if (target is null)
        {
            return (null, unknown);
        }

        if (caller.Forbidden)
        {
            return (null, KubeStatus.Forbidden(target.Type, target.Name, target.Namespace, "watch", caller.User));
        }

        if (target.Name is not null)
        {
            return (null, KubeStatus.BadRequest("the fake Kubernetes API server watches collections only: use fieldSelector=metadata.name=<name>"));
        }

        try
        {
            return (new WatchScope(
                target.Type,
                target.Namespace,
                Selectors.ParseLabels(request.QueryValue("labelSelector")),
                Selectors.ParseFields(request.QueryValue("fieldSelector"), target.Type)), null);
        }
        catch (FormatException e)
        {
            return (null, KubeStatus.BadRequest(e.Message));
        }
    }

    /// <summary>The objects a watch sees now, by namespace/name, with their resourceVersion (objects copied, with apiVersion and kind).</summary>
    public IReadOnlyDictionary<string, (string ResourceVersion, JsonObject Object)> Snapshot(WatchScope scope) =>
        state.List(scope.Type, scope.Namespace)
            .Where(o => scope.Labels(Selectors.LabelsOf(o)) && scope.Fields(o))
            .ToDictionary(
                o => $"{o["metadata"]?["namespace"]}/{o["metadata"]!["name"]}",
                o => (o["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "", Served(o, scope.Type)),
                StringComparer.Ordinal);

    public JsonObject Version()
    {
        var gitVersion = state.Options.GitVersion;
        var parts = gitVersion.TrimStart('v').Split('.', '-', '+');
        return new JsonObject
        {
            ["major"] = parts.ElementAtOrDefault(0) ?? "1",
            ["minor"] = parts.ElementAtOrDefault(1) ?? "0",
            ["gitVersion"] = gitVersion,
            ["gitCommit"] = "e2e3ae5b7e6a7e1c0b0c0fd2d4f5a6e1b8c0d2f3",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2024-10-22T20:35:25Z",
            ["goVersion"] = "go1.22.8",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    /// <summary>An object as served: apiVersion of the requested version (CRDs may serve several).</summary>
    public static JsonObject Served(JsonObject obj, ResourceType type)
    {
        var copy = obj.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        return copy;
    }

    private FakeResponse Get(ResourceTarget target) =>
        state.Get(target.Type, target.Namespace, target.Name!) is { } obj
            ? FakeResponse.Json(200, Served(obj, target.Type))
            : KubeStatus.NotFound(target.Type, target.Name!);

    /// <summary>
    /// {kind: XList, apiVersion, metadata: {resourceVersion}, items}. Items of built-in types carry no apiVersion/kind,
    /// as the real server sends typed lists; custom resources (unstructured) keep them.
    /// </summary>
    private FakeResponse List(ResourceTarget target, FakeRequest request)
    {
        var labels = Selectors.ParseLabels(request.QueryValue("labelSelector"));
        var fields = Selectors.ParseFields(request.QueryValue("fieldSelector"), target.Type);
        var matching = state.List(target.Type, target.Namespace).Where(o => labels(Selectors.LabelsOf(o)) && fields(o)).ToArray();
        var (offset, limit) = Page(request);
        var page = matching.Skip(offset).Take(limit ?? int.MaxValue).ToArray();
        var items = page
            .Select(o =>
            {
                var item = Served(o, target.Type);
                if (!target.Type.IsCustom)
                {
                    item.Remove("apiVersion");
                    item.Remove("kind");
                }

                return (JsonNode?)item;
            })
            .ToArray();
        var listMetadata = new JsonObject { ["resourceVersion"] = state.CurrentResourceVersion };
        var remaining = matching.Length - offset - page.Length;
        if (remaining > 0)
        {
            listMetadata["continue"] = Convert.ToBase64String(Encoding.ASCII.GetBytes($"offset:{offset + page.Length}"));
            listMetadata["remainingItemCount"] = remaining;
        }

        return FakeResponse.Json(200, new JsonObject
        {
            ["kind"] = target.Type.Kind + "List",
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = listMetadata,
            ["items"] = new JsonArray(items),
        });
    }

    /// <summary>limit and continue (an opaque token here: the offset of the next item); a bad token is 400 as a malformed one is on the real server.</summary>
    private static (int Offset, int? Limit) Page(FakeRequest request)
    {
        int? limit = int.TryParse(request.QueryValue("limit"), out var parsed) && parsed > 0 ? parsed : null;
        if (request.QueryValue("continue") is not { Length: > 0 } token)
        {
            return (0, limit);
        }

        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text["offset:".Length..], out var offset) && offset >= 0)
            {
                return (offset, limit);
            }
        }
        catch (FormatException)
        {
            // Falls through to the error below.
        }

        throw new FormatException("continue key is not valid: the fake Kubernetes API server did not issue it");
    }

    private FakeResponse Create(ResourceTarget target, FakeRequest request)
    {
        var type = target.Type;
        if (type.Namespaced && target.Namespace is null)
        {
            return KubeStatus.MethodNotSupported(type, "POST");
        }

        var body = ParseJson(request.Body);
        if (CheckTypeMeta(type, body, requireTypeMeta: false) is { } bad)
        {
            return bad;
        }

        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        body["metadata"] = metadata;
        if (metadata["name"]?.GetValue<string>() is not { Length: > 0 } && metadata["generateName"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            metadata["name"] = state.GenerateName(prefix);
        }

        if (metadata["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            return KubeStatus.Invalid(type, "", [("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
        }

        if (NamespaceProblem(target, metadata) is { } nsProblem)
        {
            return nsProblem;
        }

        if (state.Get(type, target.Namespace, name) is not null)
        {
            return KubeStatus.AlreadyExists(type, name);
        }

        PrepareForWrite(type, body, old: null);
        FieldManagement.RecordUpdate(null, body, Manager(request), Now(request));
        if (IsDryRun(request))
        {
            return FakeResponse.Json(201, Served(body, type));
        }

        return FakeResponse.Json(201, Served(state.Commit(type, null, body, request.Now), type));
    }

    private FakeResponse Update(ResourceTarget target, FakeRequest request)
    {
        var type = target.Type;
        var body = ParseJson(request.Body);
        if (CheckTypeMeta(type, body, requireTypeMeta: false) is { } bad)
        {
            return bad;
        }

        var metadata = body["metadata"] as JsonObject ?? new JsonObject();
        body["metadata"] = metadata;
        if (metadata["name"]?.GetValue<string>() is not { } name || name != target.Name)
        {
            return KubeStatus.BadRequest($"the name of the object ({metadata["name"]}) does not match the name on the URL ({target.Name})");
        }

        if (NamespaceProblem(target, metadata, mustExist: false) is { } nsProblem)
        {
            return nsProblem;
        }

        if (state.Get(type, target.Namespace, name) is not { } live)
        {
            return KubeStatus.NotFound(type, name);
        }

        if (metadata["resourceVersion"]?.GetValue<string>() is { Length: > 0 } expected && expected != live["metadata"]?["resourceVersion"]?.GetValue<string>())
        {
            return KubeStatus.Conflict(type, name);
        }

        return Write(target, request, live, body);
    }

    private FakeResponse Patch(ResourceTarget target, FakeRequest request)
    {
        var contentType = (request.Header("Content-Type") ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (contentType == ApplyPatch)
        {
            return Apply(target, request);
        }

        if (contentType is not (MergePatch or StrategicMergePatch))
        {
            return KubeStatus.Failure(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: {ApplyPatch}, {MergePatch}, {StrategicMergePatch} (the fake has no application/json-patch+json)",
                new JsonObject());
        }

        if (state.Get(target.Type, target.Namespace, target.Name!) is not { } live)
        {
            return KubeStatus.NotFound(target.Type, target.Name!);
        }

        var patched = MergePatchOf(live.DeepClone(), ParseJson(request.Body)) as JsonObject ?? throw new FormatException("a merge patch must leave an object");
        return Write(target, request, live, patched);
    }

    /// <summary>PUT and merge patch: the status stays the server's, the updater takes the fields it changed; no change → no new resourceVersion.</summary>
    private FakeResponse Write(ResourceTarget target, FakeRequest request, JsonObject live, JsonObject updated)
    {
        var type = target.Type;
        updated["apiVersion"] = type.ApiVersion;
        updated["kind"] = type.Kind;
        var metadata = (JsonObject)updated["metadata"]!;
        foreach (var serverField in new[] { "uid", "creationTimestamp", "generation", "resourceVersion", "managedFields", "namespace" })
        {
            if (live["metadata"]?[serverField] is { } kept)
            {
                metadata[serverField] = kept.DeepClone();
            }
            else
            {
                metadata.Remove(serverField);
            }
        }

        PrepareForWrite(type, updated, live);
        FieldManagement.RecordUpdate(live, updated, Manager(request), Now(request));
        if (KubernetesState.Unchanged(live, updated) || IsDryRun(request))
        {
            return FakeResponse.Json(200, Served(KubernetesState.Unchanged(live, updated) ? live : updated, type));
        }

        return FakeResponse.Json(200, Served(state.Commit(type, live, updated, request.Now), type));
    }

    /// <summary>Server-side apply (application/apply-patch+yaml): creates or merges by field ownership; 409 on another manager's fields unless force=true.</summary>
    private FakeResponse Apply(ResourceTarget target, FakeRequest request)
    {
        var type = target.Type;
        var manager = request.QueryValue("fieldManager");
        if (string.IsNullOrEmpty(manager))
        {
            // apimachinery validation of PatchOptions (ValidatePatchOptions).
            return KubeStatus.Failure(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                new JsonObject
                {
                    ["group"] = "meta.k8s.io",
                    ["kind"] = "PatchOptions",
                    ["causes"] = new JsonArray(new JsonObject { ["reason"] = "FieldValueRequired", ["message"] = "Required value: is required for apply patch", ["field"] = "fieldManager" }),
                });
        }

        var desired = YamlJson.ParseObject(request.Body);
        if (CheckTypeMeta(type, desired, requireTypeMeta: true) is { } bad)
        {
            return bad;
        }

        var metadata = desired["metadata"] as JsonObject ?? new JsonObject();
        desired["metadata"] = metadata;
        if (metadata["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            return KubeStatus.Invalid(type, target.Name!, [("metadata.name", "FieldValueRequired", "Required value: name is required")]);
        }

        if (name != target.Name)
        {
            return KubeStatus.BadRequest($"the name of the object ({name}) does not match the name on the URL ({target.Name})");
        }

        var live = state.Get(type, target.Namespace, name);
        if (NamespaceProblem(target, metadata, mustExist: live is null) is { } nsProblem)
        {
            return nsProblem;
        }

        if (StatusIsServers(type))
        {
            desired.Remove("status");
        }

        var force = request.QueryValue("force") is "true" or "1";
        var (result, conflicts) = FieldManagement.Apply(live, desired, manager, force, Now(request));
        if (result is null)
        {
            return KubeStatus.Failure(409, "Conflict", FieldManagement.ConflictMessage(conflicts), new JsonObject
            {
                ["causes"] = new JsonArray(conflicts.Select(c => (JsonNode?)new JsonObject
                {
                    ["reason"] = "FieldManagerConflict",
                    ["message"] = $"conflict with {FieldManagement.PrintManager(c.Owner)}",
                    ["field"] = FieldManagement.Display(c.Path),
                }).ToArray()),
            });
        }

        result["metadata"]!["name"] = name;
        if (type.Namespaced)
        {
            result["metadata"]!["namespace"] = target.Namespace;
        }

        PrepareForWrite(type, result, live);
        if (live is not null && KubernetesState.Unchanged(live, result))
        {
            return FakeResponse.Json(200, Served(live, type));
        }

        if (IsDryRun(request))
        {
            return FakeResponse.Json(live is null ? 201 : 200, Served(result, type));
        }

        return FakeResponse.Json(live is null ? 201 : 200, Served(state.Commit(type, live, result, request.Now), type));
    }

    /// <summary>
    /// DELETE honours propagationPolicy (query or DeleteOptions body). Default: Orphan for batch/v1 Jobs (their REST
    /// strategy's DefaultGarbageCollectionPolicy), Background otherwise. Pods and namespaces answer the deleted object,
    /// Foreground answers it with deletionTimestamp and the foregroundDeletion finalizer; others a Success Status.
    /// </summary>
    private FakeResponse Delete(ResourceTarget target, FakeRequest request)
    {
        var type = target.Type;
        var options = string.IsNullOrWhiteSpace(request.Body) ? new JsonObject() : ParseJson(request.Body);
        var propagation = request.QueryValue("propagationPolicy")
            ?? options["propagationPolicy"]?.GetValue<string>()
            ?? (request.QueryValue("orphanDependents") == "true" || options["orphanDependents"]?.GetValue<bool>() == true ? "Orphan" : null)
            ?? (type.Group == "batch" && type.Plural == "jobs" ? "Orphan" : "Background");
        if (propagation is not ("Orphan" or "Background" or "Foreground"))
        {
            return KubeStatus.Invalid(type, target.Name!, [("propagationPolicy", "FieldValueNotSupported", $"Unsupported value: \"{propagation}\": supported values: \"Foreground\", \"Background\", \"Orphan\"")]);
        }

        var live = state.Get(type, target.Namespace, target.Name!);
        if (live is null)
        {
            return KubeStatus.NotFound(type, target.Name!);
        }

        var deleted = IsDryRun(request) ? live.DeepClone().AsObject() : state.Delete(type, target.Namespace, target.Name!, propagation)!;
        if (propagation == "Foreground" || (type.Group.Length == 0 && type.Plural == "namespaces"))
        {
            var shown = Served(deleted, type);
            shown["metadata"]!["deletionTimestamp"] = KubernetesState.Timestamp(request.Now);
            if (propagation == "Foreground")
            {
                shown["metadata"]!["finalizers"] = new JsonArray("foregroundDeletion");
            }

            if (type.Plural == "namespaces")
            {
                shown["status"] = new JsonObject { ["phase"] = "Terminating" };
            }

            return FakeResponse.Json(200, shown);
        }

        return type.Group.Length == 0 && type.Plural == "pods"
            ? FakeResponse.Json(200, Served(deleted, type))
            : FakeResponse.Json(200, KubeStatus.Success(type, target.Name!, deleted["metadata"]?["uid"]?.GetValue<string>()));
    }

    private FakeResponse DeleteCollection(ResourceTarget target, FakeRequest request)
    {
        var labels = Selectors.ParseLabels(request.QueryValue("labelSelector"));
        var fields = Selectors.ParseFields(request.QueryValue("fieldSelector"), target.Type);
        var propagation = request.QueryValue("propagationPolicy") ?? "Background";
        var items = new JsonArray();
        foreach (var obj in state.List(target.Type, target.Namespace).Where(o => labels(Selectors.LabelsOf(o)) && fields(o)).ToArray())
        {
            var metadata = obj["metadata"]!;
            if (!IsDryRun(request))
            {
                state.Delete(target.Type, metadata["namespace"]?.GetValue<string>(), metadata["name"]!.GetValue<string>(), propagation);
            }

            items.Add(Served(obj, target.Type));
        }

        return FakeResponse.Json(200, new JsonObject
        {
            ["kind"] = target.Type.Kind + "List",
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = state.CurrentResourceVersion },
            ["items"] = items,
        });
    }

    /// <summary>
    /// apiVersion must be the path's (400, as create.go answers); a wrong kind is 422 (as for custom resources). Apply
    /// bodies must carry both.
    /// </summary>
    private static FakeResponse? CheckTypeMeta(ResourceType type, JsonObject body, bool requireTypeMeta)
    {
        var apiVersion = body["apiVersion"]?.GetValue<string>();
        var kind = body["kind"]?.GetValue<string>();
        if (requireTypeMeta && (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind)))
        {
            return KubeStatus.BadRequest(string.IsNullOrEmpty(kind) ? "Object 'Kind' is missing in the apply body" : "Object 'apiVersion' is missing in the apply body");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            return KubeStatus.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            var name = body["metadata"]?["name"]?.GetValue<string>() ?? "";
            return KubeStatus.Invalid(type, name, [("kind", "FieldValueInvalid", $"Invalid value: \"{kind}\": must be {type.Kind}")]);
        }

        return null;
    }

    /// <summary>The body's namespace must match the URL's (400), and the namespace must exist for a create (404 namespaces "x" not found).</summary>
    private FakeResponse? NamespaceProblem(ResourceTarget target, JsonObject metadata, bool mustExist = true)
    {
        if (!target.Type.Namespaced)
        {
            metadata.Remove("namespace");
            return null;
        }

        if (metadata["namespace"]?.GetValue<string>() is { Length: > 0 } given && given != target.Namespace)
        {
            return KubeStatus.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        metadata["namespace"] = target.Namespace;
        return mustExist && !state.NamespaceExists(target.Namespace!) ? KubeStatus.NotFound(state.Find("", "namespaces")!, target.Namespace!) : null;
    }

    /// <summary>Writes to the main resource never set status where a status subresource exists; Secret stringData is folded into data.</summary>
    private static void PrepareForWrite(ResourceType type, JsonObject obj, JsonObject? old)
    {
        if (StatusIsServers(type))
        {
            obj.Remove("status");
            if (old?["status"] is { } status)
            {
                obj["status"] = status.DeepClone();
            }
        }

        if (type.Group.Length == 0 && type.Plural == "secrets" && obj["stringData"] is JsonObject stringData)
        {
            var data = obj["data"] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value?.ToString() ?? ""));
            }

            obj["data"] = data;
            obj.Remove("stringData");
        }
    }

    private static bool StatusIsServers(ResourceType type) => !type.IsCustom || type.HasStatusSubresource;

    /// <summary>RFC 7386.</summary>
    private static JsonNode? MergePatchOf(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatchOf(result[key]?.DeepClone(), value);
                result[key] = merged;
            }
        }

        return result;
    }

    /// <summary>fieldManager, else the User-Agent up to its first '/', as the API server derives it.</summary>
    private static string Manager(FakeRequest request) =>
        request.QueryValue("fieldManager") is { Length: > 0 } manager ? manager
        : request.Header("User-Agent") is { Length: > 0 } agent ? agent.Split('/')[0]
        : "unknown";

    private static string Now(FakeRequest request) => KubernetesState.Timestamp(request.Now);

    private static bool IsDryRun(FakeRequest request) => request.QueryValue("dryRun") == "All";

    private static JsonObject ParseJson(string? body)
    {
        try
        {
            return (string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body)) as JsonObject
                ?? throw new FormatException("the body of the request must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new FormatException($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    private JsonObject GroupList()
    {
        var groups = new JsonArray();
        foreach (var group in state.AllTypes().Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
        {
            var versions = group.Select(t => t.Version).Distinct().ToArray();
            groups.Add(new JsonObject
            {
                ["name"] = group.Key,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)new JsonObject { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v }).ToArray()),
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group.Key}/{versions[0]}", ["version"] = versions[0] },
            });
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private FakeResponse ResourceList(string group, string version)
    {
        var types = state.AllTypes().Where(t => t.Group == group && t.Version == version).ToArray();
        if (types.Length == 0)
        {
            return KubeStatus.UnknownPath();
        }

        string[] verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
        var resources = new JsonArray();
        foreach (var type in types)
        {
            resources.Add(new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode?)v).ToArray()),
            });
            if (type.HasStatusSubresource)
            {
                resources.Add(new JsonObject { ["name"] = type.Plural + "/status", ["singularName"] = "", ["namespaced"] = type.Namespaced, ["kind"] = type.Kind, ["verbs"] = new JsonArray("get", "patch", "update") });
            }

            if (type.Group.Length == 0 && type.Plural == "pods")
            {
                resources.Add(new JsonObject { ["name"] = "pods/log", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "Pod", ["verbs"] = new JsonArray("get") });
            }
        }

        return FakeResponse.Json(200, new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        });
    }

    private static JsonObject WithKind(JsonObject group, string kind)
    {
        var result = new JsonObject { ["kind"] = kind, ["apiVersion"] = "v1" };
        foreach (var (key, value) in group)
        {
            result[key] = value?.DeepClone();
        }

        return result;
    }
}
