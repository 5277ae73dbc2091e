using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>
/// One REST resource the fake serves: group/version/kind, its plural path segment and scope. Built-in types are fixed;
/// custom resources come from the stored CustomResourceDefinitions (apiextensions.k8s.io/v1), so a CRD put into the
/// store makes its resources servable at once.
/// </summary>
internal sealed record ResourceType(string Group, string Version, string Kind, string Plural, string Singular, bool Namespaced, bool HasGeneration, bool HasStatusSubresource, bool IsCustom)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"configmaps", "jobs.batch": how the API server names a resource in messages.</summary>
    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>"ConfigMap", "Job.batch": how the API server names a kind in 422 messages.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public static readonly IReadOnlyList<ResourceType> BuiltIn =
    [
        new("", "v1", "Namespace", "namespaces", "namespace", Namespaced: false, HasGeneration: false, HasStatusSubresource: true, IsCustom: false),
        new("", "v1", "Node", "nodes", "node", false, false, true, false),
        new("", "v1", "ServiceAccount", "serviceaccounts", "serviceaccount", true, false, false, false),
        new("", "v1", "ConfigMap", "configmaps", "configmap", true, false, false, false),
        new("", "v1", "Secret", "secrets", "secret", true, false, false, false),
        new("", "v1", "Pod", "pods", "pod", true, false, true, false),
        new("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, true, true, false),
        new("batch", "v1", "Job", "jobs", "job", true, true, true, false),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", "role", true, false, false, false),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "rolebinding", true, false, false, false),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "clusterrole", false, false, false, false),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "clusterrolebinding", false, false, false, false),
        new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "customresourcedefinition", false, true, true, false),
    ];

    /// <summary>The resource types a stored CRD defines: one per served version.</summary>
    public static IEnumerable<ResourceType> FromCrd(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject;
        var names = spec?["names"] as JsonObject;
        var group = spec?["group"]?.GetValue<string>();
        var plural = names?["plural"]?.GetValue<string>();
        var kind = names?["kind"]?.GetValue<string>();
        if (group is null || plural is null || kind is null || spec!["versions"] is not JsonArray versions)
        {
            yield break;
        }

        var singular = names!["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var namespaced = !string.Equals(spec["scope"]?.GetValue<string>(), "Cluster", StringComparison.Ordinal);
        foreach (var version in versions.OfType<JsonObject>())
        {
            if (version["served"]?.GetValue<bool>() == false || version["name"]?.GetValue<string>() is not { } name)
            {
                continue;
            }

            var hasStatus = version["subresources"]?["status"] is not null;
            yield return new ResourceType(group, name, kind, plural, singular, namespaced, HasGeneration: true, hasStatus, IsCustom: true);
        }
    }
}
