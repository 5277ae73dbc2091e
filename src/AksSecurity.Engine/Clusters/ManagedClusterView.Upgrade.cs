using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>Upgrade settings. Paths and enum values verified in stable/2026-08-01/managedClusters.json (commit 10c88683).</summary>
public sealed partial class ManagedClusterView
{
    public const string AutoUpgradeProfilePath = "properties.autoUpgradeProfile";

    /// <summary>rapid | stable | patch | node-image | none; the service's default when absent is none.</summary>
    public const string UpgradeChannelPath = AutoUpgradeProfilePath + ".upgradeChannel";

    /// <summary>None | Unmanaged | NodeImage | SecurityPatch; the service's default when absent is NodeImage.</summary>
    public const string NodeOSUpgradeChannelPath = AutoUpgradeProfilePath + ".nodeOSUpgradeChannel";

    public const string KubernetesVersionPath = "properties.kubernetesVersion";
    public const string CurrentKubernetesVersionPath = "properties.currentKubernetesVersion";
    public const string SupportPlanPath = "properties.supportPlan";
    public const string AgentPoolProfilesPath = "properties.agentPoolProfiles";

    public const string DefaultUpgradeChannel = "none";
    public const string DefaultNodeOSUpgradeChannel = "NodeImage";
    public const string DefaultSupportPlan = "KubernetesOfficial";

    /// <summary>The upgrade channel as written, or null when absent (the service then uses none).</summary>
    public string? UpgradeChannel => JsonPaths.GetString(_root, UpgradeChannelPath);

    /// <summary>The node OS channel as written, or null when absent (the service then uses NodeImage).</summary>
    public string? NodeOSUpgradeChannel => JsonPaths.GetString(_root, NodeOSUpgradeChannelPath);

    public string EffectiveUpgradeChannel => UpgradeChannel ?? DefaultUpgradeChannel;

    public string EffectiveNodeOSUpgradeChannel => NodeOSUpgradeChannel ?? DefaultNodeOSUpgradeChannel;

    /// <summary>KubernetesOfficial (the default) or AKSLongTermSupport.</summary>
    public string SupportPlan => JsonPaths.GetString(_root, SupportPlanPath) ?? DefaultSupportPlan;

    /// <summary>The control plane version it runs, or asked for when the document has no current version (templates).</summary>
    public string? EffectiveKubernetesVersion => CurrentKubernetesVersion ?? KubernetesVersion;

    /// <summary>The JSON path <see cref="EffectiveKubernetesVersion"/> was read from.</summary>
    public string EffectiveKubernetesVersionPath => CurrentKubernetesVersion is null ? KubernetesVersionPath : CurrentKubernetesVersionPath;

    public IReadOnlyList<AgentPoolView> AgentPools =>
        JsonPaths.Get(_root, AgentPoolProfilesPath) is JsonArray pools
            ? pools.Select((pool, index) => pool is JsonObject obj ? new AgentPoolView(obj, index) : null).OfType<AgentPoolView>().ToArray()
            : Array.Empty<AgentPoolView>();
}
