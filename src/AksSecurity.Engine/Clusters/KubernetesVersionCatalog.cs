using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>One major.minor release a region offers, as ManagedClusters_ListKubernetesVersions lists it.</summary>
public sealed record SupportedKubernetesVersion(KubernetesVersionNumber Version, bool IsPreview, IReadOnlyList<string> SupportPlans);

/// <summary>
/// The Kubernetes versions a region supports, read from the service at run time rather than from a floor written in
/// code (a hard-coded floor goes stale with every AKS release). Shape: KubernetesVersionListResult
/// <c>{"values": [{"version": "1.29", "isPreview": bool, "capabilities": {"supportPlan": [...]}, "patchVersions": {...}}]}</c>,
/// per stable/2026-08-01/managedClusters.json and its example KubernetesVersions_List.json (commit b8c51af6).
/// </summary>
public sealed class KubernetesVersionCatalog
{
    public const string ApiVersion = "2026-08-01";
    public const string LongTermSupportPlan = "AKSLongTermSupport";

    public KubernetesVersionCatalog(string location, IReadOnlyList<SupportedKubernetesVersion> versions)
    {
        Location = location;
        Versions = versions;
    }

    public string Location { get; }

    public IReadOnlyList<SupportedKubernetesVersion> Versions { get; }

    /// <summary>GET path of the list for a subscription and region.</summary>
    public static string PathFor(string subscriptionId, string location) =>
        $"/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions";

    public static KubernetesVersionCatalog Parse(string location, JsonObject body)
    {
        var versions = new List<SupportedKubernetesVersion>();
        if (JsonPaths.Get(body, "values") is JsonArray values)
        {
            foreach (var entry in values.OfType<JsonObject>())
            {
                if (KubernetesVersionNumber.TryParse(JsonPaths.GetString(entry, "version"), out var version))
                {
                    versions.Add(new SupportedKubernetesVersion(version.MinorVersion, JsonPaths.GetBool(entry, "isPreview") == true,
                        JsonPaths.GetStringArray(entry, "capabilities.supportPlan")));
                }
            }
        }

        return new KubernetesVersionCatalog(location, versions);
    }

    /// <summary>
    /// The oldest generally available minor version a cluster on <paramref name="supportPlan"/> may run, or null when the
    /// region lists none. A long-term-support cluster may also run any version of the community plan. Entries without
    /// capabilities (older api-versions) count for every plan.
    /// </summary>
    public KubernetesVersionNumber? OldestSupported(string supportPlan)
    {
        var plans = string.Equals(supportPlan, LongTermSupportPlan, StringComparison.OrdinalIgnoreCase)
            ? new[] { LongTermSupportPlan, ManagedClusterView.DefaultSupportPlan }
            : new[] { supportPlan };
        var eligible = Versions
            .Where(v => !v.IsPreview && (v.SupportPlans.Count == 0 || v.SupportPlans.Any(p => plans.Contains(p, StringComparer.OrdinalIgnoreCase))))
            .Select(v => v.Version)
            .ToList();
        return eligible.Count == 0 ? null : eligible.Min();
    }
}
