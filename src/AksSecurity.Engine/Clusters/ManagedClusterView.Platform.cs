namespace AksSecurity.Engine.Clusters;

/// <summary>
/// The cluster's own identity, pricing tier, load balancer and node provisioning, read by the checks other scanners
/// also have (PSRule Azure.AKS.ManagedIdentity, UptimeSLA, StandardLB, AutoScaling). Paths and values per NOTES.md §4
/// (sku, identity, servicePrincipalProfile) and stable/2026-08-01/managedClusters.json.
/// </summary>
public sealed partial class ManagedClusterView
{
    /// <summary>SystemAssigned | UserAssigned | None; absent for clusters that use a service principal.</summary>
    public const string IdentityTypePath = "identity.type";

    /// <summary>"msi" (or a zero GUID) when the cluster uses a managed identity, else the service principal's application id.</summary>
    public const string ServicePrincipalClientIdPath = "properties.servicePrincipalProfile.clientId";

    /// <summary>Free (the default when absent) | Standard | Premium.</summary>
    public const string SkuTierPath = "sku.tier";

    /// <summary>standard (the default when absent) | basic.</summary>
    public const string LoadBalancerSkuPath = "properties.networkProfile.loadBalancerSku";

    /// <summary>Manual (the default when absent) | Auto: node auto provisioning picks VM sizes and scales nodes itself.</summary>
    public const string NodeProvisioningModePath = "properties.nodeProvisioningProfile.mode";

    public const string DefaultSkuTier = "Free";

    public string? IdentityType => JsonPaths.GetString(_root, IdentityTypePath);

    public string? ServicePrincipalClientId => JsonPaths.GetString(_root, ServicePrincipalClientIdPath);

    /// <summary>True when the cluster authenticates to Azure with a managed identity.</summary>
    public bool UsesManagedIdentity =>
        IdentityType is { } type && (type.Equals("SystemAssigned", StringComparison.OrdinalIgnoreCase) || type.Equals("UserAssigned", StringComparison.OrdinalIgnoreCase))
        || string.Equals(ServicePrincipalClientId, "msi", StringComparison.OrdinalIgnoreCase)
        || ServicePrincipalClientId == Guid.Empty.ToString();

    public string? SkuTier => JsonPaths.GetString(_root, SkuTierPath);

    public string? LoadBalancerSku => JsonPaths.GetString(_root, LoadBalancerSkuPath);

    public bool NodeAutoProvisioning => string.Equals(JsonPaths.GetString(_root, NodeProvisioningModePath), "Auto", StringComparison.OrdinalIgnoreCase);
}
