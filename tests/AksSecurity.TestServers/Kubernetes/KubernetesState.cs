using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>
/// The objects of the fake cluster, their resource versions, pod logs and the controllers it plays (Job, DaemonSet,
/// namespace). Every member runs under <see cref="Gate"/>. Time moves lazily: <see cref="Advance"/> (called before
/// each request and each in-process read) plays the pod phases that are due.
/// </summary>
internal sealed partial class KubernetesState(FakeKubernetesOptions options)
{
    public const string ClusterLabel = "MC_rg1_clustername1_location1";
    public static readonly string[] NodeNames = ["aks-nodepool1-12345678-vmss000000", "aks-nodepool1-12345678-vmss000001", "aks-nodepool1-12345678-vmss000002"];
    public static readonly string[] SeedNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>k8s.io/apimachinery/pkg/util/rand: the alphabet of generated name suffixes (no vowels, no confusable digits).</summary>
    private const string SuffixAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    private readonly SortedDictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LogLine>> _logs = new(StringComparer.Ordinal);
    private readonly List<PodTimeline> _timelines = [];
    private long _resourceVersion = 1000;

    public object Gate { get; } = new();

    public FakeKubernetesOptions Options => options;

    public string CurrentResourceVersion => _resourceVersion.ToString(CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public void Seed(DateTimeOffset now)
    {
        _objects.Clear();
        _logs.Clear();
        _timelines.Clear();
        foreach (var ns in SeedNamespaces)
        {
            Commit(Find("", "namespaces")!, null, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } }, now);
        }

        for (var i = 0; i < NodeNames.Length; i++)
        {
            Commit(Find("", "nodes")!, null, SeedNode(i), now);
        }
    }

    /// <summary>Built-in types and the types of the stored CRDs; <paramref name="version"/> null = any served version.</summary>
    public ResourceType? Find(string group, string plural, string? version = null) =>
        AllTypes().FirstOrDefault(t => t.Group == group && t.Plural == plural && (version is null || t.Version == version));

    public ResourceType? FindByKind(string apiVersion, string kind)
    {
        var (group, version) = SplitApiVersion(apiVersion);
        return AllTypes().FirstOrDefault(t => t.Group == group && t.Version == version && t.Kind == kind);
    }

    public IEnumerable<ResourceType> AllTypes() =>
        ResourceType.BuiltIn.Concat(_objects.Where(p => p.Key.StartsWith("apiextensions.k8s.io|customresourcedefinitions|", StringComparison.Ordinal))
            .SelectMany(p => ResourceType.FromCrd(p.Value)));

    public static (string Group, string Version) SplitApiVersion(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    public JsonObject? Get(ResourceType type, string? ns, string name) => _objects.GetValueOrDefault(Key(type, ns, name));

    /// <summary>Sorted by namespace, then name; <paramref name="ns"/> null = every namespace.</summary>
    public IEnumerable<JsonObject> List(ResourceType type, string? ns)
    {
        var prefix = $"{type.Group}|{type.Plural}|" + (ns is null ? "" : ns + "|");
        return _objects.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p.Value).ToArray();
    }

    public bool NamespaceExists(string ns) => Get(Find("", "namespaces")!, null, ns) is not null;

    public string GenerateName(string prefix) =>
        prefix + new string(Enumerable.Range(0, 5).Select(_ => SuffixAlphabet[RandomNumberGenerator.GetInt32(SuffixAlphabet.Length)]).ToArray());

    /// <summary>
    /// Stores a write: fills apiVersion/kind and the server's metadata (uid, creationTimestamp, a new resourceVersion,
    /// generation when the content outside metadata/status changed), then lets the controllers react.
    /// </summary>
    public JsonObject Commit(ResourceType type, JsonObject? old, JsonObject obj, DateTimeOffset now, bool playControllers = true)
    {
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        var metadata = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = metadata;
        metadata["uid"] = old?["metadata"]?["uid"]?.DeepClone() ?? metadata["uid"]?.DeepClone() ?? Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = old?["metadata"]?["creationTimestamp"]?.DeepClone() ?? metadata["creationTimestamp"]?.DeepClone() ?? Timestamp(now);
        metadata["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        if (type.HasGeneration)
        {
            var previous = old?["metadata"]?["generation"]?.GetValue<long>() ?? 0;
            metadata["generation"] = old is null || SpecChanged(old, obj) ? previous + 1 : previous;
        }

        if (type.Plural == "namespaces" && type.Group.Length == 0)
        {
            obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
            obj["status"] ??= new JsonObject { ["phase"] = "Active" };
        }

        var ns = type.Namespaced ? metadata["namespace"]?.GetValue<string>() : null;
        _objects[Key(type, ns, metadata["name"]!.GetValue<string>())] = obj;
        if (playControllers)
        {
            React(type, old, obj, now);
        }

        return obj;
    }

    /// <summary>True when nothing but resourceVersion differs (managedFields count: a new co-owner is a change, as on the real server).</summary>
    public static bool Unchanged(JsonObject old, JsonObject updated)
    {
        var a = old.DeepClone().AsObject();
        var b = updated.DeepClone().AsObject();
        (a["metadata"] as JsonObject)?.Remove("resourceVersion");
        (b["metadata"] as JsonObject)?.Remove("resourceVersion");
        return JsonNode.DeepEquals(a, b);
    }

    /// <summary>Removes the object and what it owns per the propagation policy ("Orphan" strips the owner references from dependents).</summary>
    public JsonObject? Delete(ResourceType type, string? ns, string name, string propagation)
    {
        if (!_objects.Remove(Key(type, ns, name), out var removed))
        {
            return null;
        }

        var uid = removed["metadata"]?["uid"]?.GetValue<string>();
        if (type.Group.Length == 0 && type.Plural == "namespaces")
        {
            foreach (var key in _objects.Keys.Where(k => k.Split('|')[2] == name).ToArray())
            {
                DropPodState(key);
                _objects.Remove(key);
            }
        }

        if (type.Plural == "pods")
        {
            DropPodState(Key(type, ns, name));
        }

        foreach (var (key, dependent) in _objects.Where(p => OwnedBy(p.Value, uid)).ToArray())
        {
            if (propagation == "Orphan")
            {
                var references = (JsonArray)dependent["metadata"]!["ownerReferences"]!;
                foreach (var reference in references.Where(r => r?["uid"]?.GetValue<string>() == uid).ToArray())
                {
                    references.Remove(reference);
                }

                if (references.Count == 0)
                {
                    ((JsonObject)dependent["metadata"]!).Remove("ownerReferences");
                }

                dependent["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                var parts = key.Split('|');
                var dependentType = AllTypes().First(t => t.Group == parts[0] && t.Plural == parts[1]);
                Delete(dependentType, parts[2].Length == 0 ? null : parts[2], parts[3], propagation);
            }
        }

        return removed;
    }

    private static bool OwnedBy(JsonObject obj, string? uid) =>
        uid is not null && obj["metadata"]?["ownerReferences"] is JsonArray references && references.Any(r => r?["uid"]?.GetValue<string>() == uid);

    private static string Key(ResourceType type, string? ns, string name) => $"{type.Group}|{type.Plural}|{(type.Namespaced ? ns ?? "" : "")}|{name}";

    private static bool SpecChanged(JsonObject old, JsonObject updated)
    {
        static JsonObject Content(JsonObject obj)
        {
            var copy = obj.DeepClone().AsObject();
            copy.Remove("metadata");
            copy.Remove("status");
            copy.Remove("apiVersion");
            copy.Remove("kind");
            return copy;
        }

        return !JsonNode.DeepEquals(Content(old), Content(updated));
    }

    private static JsonObject SeedNode(int index)
    {
        var name = NodeNames[index];
        var labels = new JsonObject
        {
            ["agentpool"] = "nodepool1",
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/instance-type"] = "Standard_DS2_v2",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.azure.com/agentpool"] = "nodepool1",
            ["kubernetes.azure.com/cluster"] = ClusterLabel,
            ["kubernetes.azure.com/mode"] = "system",
            ["kubernetes.azure.com/node-image-version"] = "AKSUbuntu-2204gen2containerd-202410.27.0",
            ["kubernetes.azure.com/os-sku"] = "Ubuntu",
            ["kubernetes.azure.com/role"] = "agent",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
            ["kubernetes.io/role"] = "agent",
            ["node-role.kubernetes.io/agent"] = "",
            ["node.kubernetes.io/instance-type"] = "Standard_DS2_v2",
            ["topology.kubernetes.io/region"] = "location1",
            ["topology.kubernetes.io/zone"] = "0",
        };
        var capacity = new JsonObject { ["cpu"] = "2", ["ephemeral-storage"] = "129886128Ki", ["memory"] = "7097684Ki", ["pods"] = "110" };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["node.alpha.kubernetes.io/ttl"] = "0", ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true" },
            },
            ["spec"] = new JsonObject
            {
                ["podCIDR"] = $"10.244.{index}.0/24",
                ["podCIDRs"] = new JsonArray($"10.244.{index}.0/24"),
                ["providerID"] = $"azure:///subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_rg1_clustername1_location1/providers/Microsoft.Compute/virtualMachineScaleSets/aks-nodepool1-12345678-vmss/virtualMachines/{index}",
            },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = NodeIp(index) },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["allocatable"] = new JsonObject { ["cpu"] = "1900m", ["ephemeral-storage"] = "119716326407", ["memory"] = "4652372Ki", ["pods"] = "110" },
                ["capacity"] = capacity,
                ["conditions"] = new JsonArray(
                    NodeCondition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    NodeCondition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    NodeCondition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    NodeCondition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = "amd64",
                    ["bootID"] = $"0b1e2c3d-0000-4000-8000-00000000000{index}",
                    ["containerRuntimeVersion"] = "containerd://1.7.22-1",
                    ["kernelVersion"] = "5.15.0-1074-azure",
                    ["kubeProxyVersion"] = "v1.31.2",
                    ["kubeletVersion"] = "v1.31.2",
                    ["machineID"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(name)))[..32],
                    ["operatingSystem"] = "linux",
                    ["osImage"] = "Ubuntu 22.04.5 LTS",
                    ["systemUUID"] = $"5d8c6a2e-0000-4000-8000-00000000000{index}",
                },
            },
        };
    }

    private static string NodeIp(int index) => $"10.224.0.{4 + index}";

    private static JsonObject NodeCondition(string type, string status, string reason, string message) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastHeartbeatTime"] = "2026-11-27T06:00:00Z",
        ["lastTransitionTime"] = "2026-11-20T06:00:00Z",
        ["reason"] = reason,
        ["message"] = message,
    };

    private sealed record LogLine(DateTimeOffset Time, string Text);
}
