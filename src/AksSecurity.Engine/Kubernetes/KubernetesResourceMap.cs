using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>How one kind is reached over REST: its plural resource name and whether it lives in a namespace.</summary>
public sealed record KubernetesResourceType(string ApiVersion, string Kind, string Plural, bool Namespaced)
{
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : "";

    /// <summary>/api/v1 for the core group, /apis/{group}/{version} for named groups.</summary>
    public string GroupVersionPath => Group.Length == 0 ? $"/api/{ApiVersion}" : $"/apis/{ApiVersion}";

    /// <summary>The collection path; <paramref name="ns"/> null on a namespaced kind is the all-namespaces collection.</summary>
    public string CollectionPath(string? ns) =>
        Namespaced && ns is not null ? $"{GroupVersionPath}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{GroupVersionPath}/{Plural}";

    public string ObjectPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";
}

/// <summary>
/// apiVersion + kind → REST path. The kinds AksSecurity installs or reads are known here, so no discovery round trip is
/// needed for them; any other kind (a CRD) is looked up through the API server's discovery document and, when that is not
/// served, by Kubernetes' own default pluralisation (lower-case kind, +s / +es / y→ies) with the scope the caller implies.
/// </summary>
public static class KubernetesResourceMap
{
    private static readonly Dictionary<(string, string), KubernetesResourceType> Known = new[]
    {
        new KubernetesResourceType("v1", "Namespace", "namespaces", false),
        new KubernetesResourceType("v1", "Node", "nodes", false),
        new KubernetesResourceType("v1", "PersistentVolume", "persistentvolumes", false),
        new KubernetesResourceType("v1", "ServiceAccount", "serviceaccounts", true),
        new KubernetesResourceType("v1", "ConfigMap", "configmaps", true),
        new KubernetesResourceType("v1", "Secret", "secrets", true),
        new KubernetesResourceType("v1", "Pod", "pods", true),
        new KubernetesResourceType("v1", "Service", "services", true),
        new KubernetesResourceType("v1", "Endpoints", "endpoints", true),
        new KubernetesResourceType("v1", "Event", "events", true),
        new KubernetesResourceType("v1", "PersistentVolumeClaim", "persistentvolumeclaims", true),
        new KubernetesResourceType("v1", "LimitRange", "limitranges", true),
        new KubernetesResourceType("v1", "ResourceQuota", "resourcequotas", true),
        new KubernetesResourceType("apps/v1", "DaemonSet", "daemonsets", true),
        new KubernetesResourceType("apps/v1", "Deployment", "deployments", true),
        new KubernetesResourceType("apps/v1", "StatefulSet", "statefulsets", true),
        new KubernetesResourceType("apps/v1", "ReplicaSet", "replicasets", true),
        new KubernetesResourceType("batch/v1", "Job", "jobs", true),
        new KubernetesResourceType("batch/v1", "CronJob", "cronjobs", true),
        new KubernetesResourceType("rbac.authorization.k8s.io/v1", "Role", "roles", true),
        new KubernetesResourceType("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true),
        new KubernetesResourceType("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false),
        new KubernetesResourceType("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false),
        new KubernetesResourceType("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", false),
        new KubernetesResourceType("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true),
        new KubernetesResourceType("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies", true),
        new KubernetesResourceType("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses", false),
        new KubernetesResourceType("storage.k8s.io/v1", "CSIDriver", "csidrivers", false),
        new KubernetesResourceType("coordination.k8s.io/v1", "Lease", "leases", true),
        new KubernetesResourceType("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false),
        new KubernetesResourceType("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
        new KubernetesResourceType("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", "secretproviderclasses", true),
        new KubernetesResourceType("secrets-store.csi.x-k8s.io/v1", "SecretProviderClassPodStatus", "secretproviderclasspodstatuses", true),
    }.ToDictionary(t => (t.ApiVersion, t.Kind));

    /// <summary>A kind known without asking the server, or null.</summary>
    public static KubernetesResourceType? TryGetKnown(string apiVersion, string kind) => Known.GetValueOrDefault((apiVersion, kind));

    /// <summary>The kind from an API server discovery document (APIResourceList), or null when it is not listed.</summary>
    public static KubernetesResourceType? FromDiscovery(string apiVersion, string kind, JsonObject resourceList) =>
        (resourceList["resources"] as JsonArray)?.OfType<JsonObject>()
            .Where(r => r["kind"]?.GetValue<string>() == kind && r["name"]?.GetValue<string>() is { } name && !name.Contains('/'))
            .Select(r => new KubernetesResourceType(apiVersion, kind, r["name"]!.GetValue<string>(), r["namespaced"]?.GetValue<bool>() ?? true))
            .FirstOrDefault();

    /// <summary>Kubernetes' default plural of a kind (what CRD generators use unless told otherwise).</summary>
    public static string DefaultPlural(string kind)
    {
        var lower = kind.ToLowerInvariant();
        return lower switch
        {
            _ when lower.EndsWith('y') && lower.Length > 1 && !"aeiou".Contains(lower[^2]) => lower[..^1] + "ies",
            _ when lower.EndsWith('s') || lower.EndsWith("x") || lower.EndsWith("ch") || lower.EndsWith("sh") => lower + "es",
            _ => lower + "s",
        };
    }

    /// <summary>Validates apiVersion/kind text, before anything is sent.</summary>
    public static void Validate(string apiVersion, string kind, string what)
    {
        if (string.IsNullOrWhiteSpace(apiVersion) || string.IsNullOrWhiteSpace(kind) || apiVersion.Count(c => c == '/') > 1)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"{what} needs an apiVersion (v1 or group/version) and a kind; got '{apiVersion}' / '{kind}'.", what);
        }
    }
}

/// <summary>apiVersion, kind, namespace and name of a manifest, read and checked once.</summary>
public sealed record KubernetesObjectRef(string ApiVersion, string Kind, string? Namespace, string Name)
{
    public static KubernetesObjectRef Of(JsonObject manifest)
    {
        var apiVersion = Text(manifest["apiVersion"]);
        var kind = Text(manifest["kind"]);
        var name = Text(manifest["metadata"]?["name"]);
        var ns = Text(manifest["metadata"]?["namespace"]);
        KubernetesResourceMap.Validate(apiVersion ?? "", kind ?? "", $"Manifest '{name}'");
        if (string.IsNullOrEmpty(name))
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"A {kind} manifest has no metadata.name.", kind);
        }

        return new KubernetesObjectRef(apiVersion!, kind!, string.IsNullOrEmpty(ns) ? null : ns, name);
    }

    public override string ToString() => $"{Kind} {(Namespace is null ? "" : Namespace + "/")}{Name}";

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
