namespace AksSecurity.Engine.Clusters;

/// <summary>
/// Other security settings read by Test-AksClusterConfiguration. Each path verified in
/// stable/2026-08-01/managedClusters.json (commit 10c88683): ManagedClusterProperties, ManagedClusterSecurityProfile,
/// ManagedClusterNodeResourceGroupProfile, ContainerServiceNetworkProfile.
/// </summary>
public sealed partial class ManagedClusterView
{
    public const string OidcIssuerEnabledPath = "properties.oidcIssuerProfile.enabled";
    public const string SecurityProfilePath = "properties.securityProfile";
    public const string WorkloadIdentityEnabledPath = SecurityProfilePath + ".workloadIdentity.enabled";
    public const string ImageCleanerPath = SecurityProfilePath + ".imageCleaner";
    public const string ImageCleanerEnabledPath = ImageCleanerPath + ".enabled";
    public const string ImageCleanerIntervalHoursPath = ImageCleanerPath + ".intervalHours";

    /// <summary>Key Vault KMS encryption of etcd secrets (AzureKeyVaultKms): not host encryption of the node disks.</summary>
    public const string KmsEnabledPath = SecurityProfilePath + ".azureKeyVaultKms.enabled";

    /// <summary>Unrestricted (the default when absent) | ReadOnly.</summary>
    public const string NodeResourceGroupRestrictionLevelPath = "properties.nodeResourceGroupProfile.restrictionLevel";

    /// <summary>none (the default when absent) | calico | azure | cilium.</summary>
    public const string NetworkPolicyPath = "properties.networkProfile.networkPolicy";

    public const string KubeDashboardAddon = "kubeDashboard";
    public const string HttpApplicationRoutingAddon = "httpApplicationRouting";

    public bool OidcIssuerEnabled => JsonPaths.GetBool(_root, OidcIssuerEnabledPath) == true;
    public bool WorkloadIdentityEnabled => JsonPaths.GetBool(_root, WorkloadIdentityEnabledPath) == true;
    public bool ImageCleanerEnabled => JsonPaths.GetBool(_root, ImageCleanerEnabledPath) == true;

    public int? ImageCleanerIntervalHours =>
        JsonPaths.Get(_root, ImageCleanerIntervalHoursPath) is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<int>(out var hours) ? hours : null;

    public bool KmsEnabled => JsonPaths.GetBool(_root, KmsEnabledPath) == true;
    public string? NodeResourceGroupRestrictionLevel => JsonPaths.GetString(_root, NodeResourceGroupRestrictionLevelPath);
    public string? NetworkPolicy => JsonPaths.GetString(_root, NetworkPolicyPath);
}
