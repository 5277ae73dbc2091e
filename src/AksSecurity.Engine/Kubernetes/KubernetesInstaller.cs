using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Plans and applies a component's objects. Plans send GETs (and LISTs) only. A desired object is compared with the live one
/// leaf by leaf over what we set (fields the server defaults are not ours to compare); arrays are compared whole, an element
/// matching when every field we set in it matches. Secret values are never shown. Objects carrying the component's label that are
/// no longer desired are deleted; nothing without the label is ever deleted.
/// </summary>
public static class KubernetesInstaller
{
    private const string SecretText = "(secret)";

    /// <summary>Namespaces an uninstall must never delete, whatever labels someone put on them.</summary>
    private static readonly HashSet<string> ProtectedNamespaces = new(StringComparer.Ordinal) { "default", "kube-system", "kube-public", "kube-node-lease" };
    private const int MaxValueText = 200;

    public static async Task<KubernetesApplyPlan> PlanAsync(KubernetesSession s, string component, IReadOnlyList<JsonObject> desired, CancellationToken ct,
        IReadOnlyList<(string ApiVersion, string Kind)>? ownedKinds = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        var marked = desired.Select(d => KubernetesOwnership.Mark((JsonObject)d.DeepClone(), component)).ToList();
        var refs = marked.Select(KubernetesObjectRef.Of).ToList();
        var duplicate = refs.GroupBy(r => r).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"{duplicate.Key} appears twice among the objects to apply.", duplicate.Key.ToString());
        }

        var planned = new List<PlannedObject>();
        var warnings = new List<string>();
        for (var i = 0; i < marked.Count; i++)
        {
            var live = await s.Objects.GetAsync(refs[i].ApiVersion, refs[i].Kind, refs[i].Namespace, refs[i].Name, ct).ConfigureAwait(false);
            if (live is null)
            {
                planned.Add(new PlannedObject(refs[i], PlannedObject.Create, Array.Empty<string>(), marked[i]));
                continue;
            }

            if (!KubernetesOwnership.IsOwnedBy(live, component))
            {
                if (refs[i].Kind == "Namespace" && refs[i].ApiVersion == "v1")
                {
                    // A namespace someone else made (kube-system, or the user's own) is used as it is: labelling it ours would let an uninstall delete it.
                    planned.Add(new PlannedObject(refs[i], PlannedObject.Unchanged, Array.Empty<string>(), null));
                    continue;
                }

                warnings.Add($"{refs[i]} already exists and was not installed by AksSecurity ({component}); applying takes over the fields AksSecurity sets and labels it as ours.");
            }

            var fields = Diff(marked[i], live);
            planned.Add(new PlannedObject(refs[i], fields.Count == 0 ? PlannedObject.Unchanged : PlannedObject.Update, fields, marked[i]));
        }

        var kinds = refs.Select(r => (r.ApiVersion, r.Kind)).Concat(ownedKinds ?? Array.Empty<(string, string)>()).Distinct().ToList();
        var wanted = refs.ToHashSet();
        foreach (var stale in await ListOwnedAsync(s, component, kinds, ct).ConfigureAwait(false))
        {
            if (!wanted.Contains(stale))
            {
                planned.Add(new PlannedObject(stale, PlannedObject.Delete, Array.Empty<string>(), null));
            }
        }

        return new KubernetesApplyPlan(s.ClusterName, component, Order(planned), warnings);
    }

    /// <summary>Every object carrying the component's label, of the given kinds, cluster-scoped and in every namespace → Delete; nothing else.</summary>
    public static async Task<KubernetesApplyPlan> PlanRemovalAsync(KubernetesSession s, string component, IReadOnlyList<(string ApiVersion, string Kind)> kinds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        var owned = await ListOwnedAsync(s, component, kinds, ct).ConfigureAwait(false);
        var planned = owned.Select(r => new PlannedObject(r, PlannedObject.Delete, Array.Empty<string>(), null)).ToList();
        return new KubernetesApplyPlan(s.ClusterName, component, Order(planned), Array.Empty<string>());
    }

    /// <summary>The plan of an installation: its desired objects against the cluster, or its removal.</summary>
    public static async Task<KubernetesApplyPlan> PlanInstallationAsync(KubernetesSession s, IKubernetesInstallation installation, IOperationSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        s.ReportTo(sink);
        if (installation.IsRemoval)
        {
            return await PlanRemovalAsync(s, installation.Component, installation.OwnedKinds, ct).ConfigureAwait(false);
        }

        var desired = await installation.DesiredObjectsAsync(s, sink, ct).ConfigureAwait(false);
        return await PlanAsync(s, installation.Component, desired, ct, installation.OwnedKinds).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the plan: creates and updates in dependency order (server-side apply; <paramref name="force"/> takes over fields other
    /// managers own), then deletes in reverse order. Returns one record per object: Created/Updated/Unchanged/Deleted.
    /// </summary>
    public static async Task<IReadOnlyList<KubernetesObjectChange>> ApplyAsync(KubernetesSession s, KubernetesApplyPlan plan, bool force, IOperationSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(plan);
        s.ReportTo(sink);
        var results = new List<KubernetesObjectChange>();
        var work = plan.Objects.Where(o => o.Action != PlannedObject.Unchanged).ToList();
        var done = 0;
        var activity = $"Applying {plan.Component} to '{plan.Cluster}'";
        foreach (var item in plan.Objects)
        {
            ct.ThrowIfCancellationRequested();
            if (item.Action == PlannedObject.Unchanged)
            {
                results.Add(Record(plan, item, "Unchanged"));
                continue;
            }

            sink.Progress(activity, $"{item.Action} {item.Ref}", work.Count == 0 ? -1 : 100 * done / work.Count);
            done++;
            if (item.Action == PlannedObject.Delete)
            {
                var deleted = await s.Objects.DeleteAsync(item.Ref.ApiVersion, item.Ref.Kind, item.Ref.Namespace, item.Ref.Name, ct).ConfigureAwait(false);
                sink.Verbose(deleted ? $"Deleted {item.Ref}." : $"{item.Ref} was already gone.");
                if (deleted)
                {
                    results.Add(Record(plan, item, "Deleted"));
                }

                continue;
            }

            var applied = await s.Objects.ApplyAsync(item.Desired!, force, ct).ConfigureAwait(false);
            var outcome = applied.Outcome.ToString();
            sink.Verbose($"{outcome} {item.Ref}.");
            results.Add(Record(plan, item, outcome));
        }

        sink.Progress(activity, "Done", 100);
        return results;
    }

    /// <summary>The changed leaves of <paramref name="desired"/> against <paramref name="live"/>, as "path: old → new".</summary>
    internal static IReadOnlyList<string> Diff(JsonObject desired, JsonObject live)
    {
        var isSecret = desired["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k == "Secret" && desired["apiVersion"]?.ToString() == "v1";
        var compared = isSecret ? WithStringDataAsData(desired) : desired;
        var fields = new List<string>();
        foreach (var (key, value) in compared)
        {
            if (key is "apiVersion" or "kind" or "status" || value is null)
            {
                continue;
            }

            Walk(value, live[key], key, isSecret && key is "data" or "stringData", fields);
        }

        return fields;
    }

    private static void Walk(JsonNode desired, JsonNode? live, string path, bool secret, List<string> fields)
    {
        if (desired is JsonObject obj && live is JsonObject liveObj)
        {
            foreach (var (key, value) in obj)
            {
                if (value is not null)
                {
                    Walk(value, liveObj[key], Append(path, key), secret, fields);
                }
            }

            return;
        }

        if (desired is JsonArray array && live is JsonArray liveArray && ByName(array) is { } items && ByName(liveArray) is { } liveItems)
        {
            WalkNamedItems(items, liveItems, array, liveArray, path, secret, fields);
            return;
        }

        if (!Matches(desired, live))
        {
            fields.Add(secret ? $"{path}: {SecretText}" : $"{path}: {Show(live)} → {Show(desired)}");
        }
    }

    /// <summary>
    /// Lists whose items all carry a unique name (containers, env, volumes, volumeMounts, ports) are merged by that name,
    /// as the API server does; comparing them item by item names the one field that changes instead of the whole list.
    /// </summary>
    private static void WalkNamedItems(Dictionary<string, JsonObject> items, Dictionary<string, JsonObject> liveItems, JsonArray array, JsonArray liveArray,
        string path, bool secret, List<string> fields)
    {
        var before = fields.Count;
        foreach (var (name, item) in items)
        {
            var itemPath = $"{path}[name={name}]";
            if (liveItems.TryGetValue(name, out var liveItem))
            {
                Walk(item, liveItem, itemPath, secret, fields);
            }
            else
            {
                fields.Add(secret ? $"{itemPath}: {SecretText}" : $"{itemPath}: (none) → {Show(item)}");
            }
        }

        foreach (var (name, liveItem) in liveItems.Where(pair => !items.ContainsKey(pair.Key)))
        {
            fields.Add(secret ? $"{path}[name={name}]: {SecretText}" : $"{path}[name={name}]: {Show(liveItem)} → (none)");
        }

        if (fields.Count == before && !Matches(array, liveArray))
        {
            fields.Add($"{path}: order {string.Join(", ", liveItems.Keys)} → {string.Join(", ", items.Keys)}");
        }
    }

    /// <summary>The list's items by their name, or null when an item is not an object with a unique string name.</summary>
    private static Dictionary<string, JsonObject>? ByName(JsonArray array)
    {
        var byName = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in array)
        {
            if (item is not JsonObject obj || obj["name"] is not JsonValue value || !value.TryGetValue<string>(out var name) || !byName.TryAdd(name, obj))
            {
                return null;
            }
        }

        return byName;
    }

    /// <summary>True when every field set in <paramref name="desired"/> has that value in <paramref name="live"/> (arrays: same length, element by element).</summary>
    internal static bool Matches(JsonNode? desired, JsonNode? live) => desired switch
    {
        null => true,
        JsonObject obj => live is JsonObject liveObj && obj.All(p => p.Value is null || Matches(p.Value, liveObj[p.Key])),
        JsonArray array => live is JsonArray liveArray && array.Count == liveArray.Count && array.Select((d, i) => Matches(d, liveArray[i])).All(m => m),
        JsonValue value => live is JsonValue liveValue && ScalarEquals(value, liveValue),
        _ => false,
    };

    private static bool ScalarEquals(JsonValue a, JsonValue b)
    {
        var (ka, kb) = (a.GetValueKind(), b.GetValueKind());
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
        {
            return decimal.TryParse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && decimal.TryParse(b.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                ? x == y
                : a.ToJsonString() == b.ToJsonString();
        }

        return ka == kb && a.ToJsonString() == b.ToJsonString();
    }

    /// <summary>The API server stores stringData as base64 data; compare what it will hold.</summary>
    private static JsonObject WithStringDataAsData(JsonObject secret)
    {
        var copy = (JsonObject)secret.DeepClone();
        if (copy["stringData"] is JsonObject stringData)
        {
            if (copy["data"] is not JsonObject data)
            {
                data = new JsonObject();
                copy["data"] = data;
            }

            foreach (var (key, value) in stringData)
            {
                if (value is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
                }
            }

            copy.Remove("stringData");
        }

        return copy;
    }

    private static string Append(string path, string key) =>
        key.Length > 0 && key.All(c => char.IsLetterOrDigit(c) || c is '_' or '-') ? $"{path}.{key}" : $"{path}[\"{key}\"]";

    private static string Show(JsonNode? node)
    {
        if (node is null)
        {
            return "(none)";
        }

        var text = node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return text.Length > MaxValueText ? text[..MaxValueText] + "…" : text;
    }

    private static async Task<IReadOnlyList<KubernetesObjectRef>> ListOwnedAsync(KubernetesSession s, string component, IReadOnlyList<(string ApiVersion, string Kind)> kinds,
        CancellationToken ct)
    {
        var owned = new List<KubernetesObjectRef>();
        foreach (var (apiVersion, kind) in kinds.Distinct())
        {
            foreach (var item in await s.Objects.ListAsync(apiVersion, kind, null, KubernetesOwnership.Selector(component), ct).ConfigureAwait(false))
            {
                // The server filtered by label already; check again so a server that ignored the selector cannot widen a delete.
                var reference = KubernetesObjectRef.Of(item);
                if (KubernetesOwnership.IsOwnedBy(item, component) && !(reference.Kind == "Namespace" && ProtectedNamespaces.Contains(reference.Name)))
                {
                    owned.Add(reference);
                }
            }
        }

        return owned;
    }

    private static IReadOnlyList<PlannedObject> Order(IEnumerable<PlannedObject> planned)
    {
        var list = planned.ToList();
        var applies = list.Where(p => p.Action != PlannedObject.Delete).OrderBy(p => KubernetesApplyPlan.Rank(p.Ref.Kind));
        var deletes = list.Where(p => p.Action == PlannedObject.Delete).OrderByDescending(p => KubernetesApplyPlan.Rank(p.Ref.Kind));
        return applies.Concat(deletes).ToArray();
    }

    private static KubernetesObjectChange Record(KubernetesApplyPlan plan, PlannedObject item, string action) => new()
    {
        Cluster = plan.Cluster,
        ApiVersion = item.Ref.ApiVersion,
        Kind = item.Ref.Kind,
        Namespace = item.Ref.Namespace,
        Name = item.Ref.Name,
        Action = action,
        Fields = item.Fields,
    };
}
