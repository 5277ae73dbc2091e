namespace AksSecurity;

/// <summary>A managed cluster as Get-AksCluster returns it: the security-relevant settings at hand, the whole document in <see cref="Json"/>.</summary>
public sealed class AksCluster
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string ResourceGroupName { get; init; } = "";
    public string SubscriptionId { get; init; } = "";
    public string? Location { get; init; }
    public string? KubernetesVersion { get; init; }
    public string? ProvisioningState { get; init; }
    public string? PowerState { get; init; }
    public string? Fqdn { get; init; }
    public string? PrivateFqdn { get; init; }
    public bool IsPrivateCluster { get; init; }
    public bool? PrivateClusterPublicFqdn { get; init; }
    public IReadOnlyList<string> AuthorizedIpRanges { get; init; } = Array.Empty<string>();
    public bool RunCommandDisabled { get; init; }
    public bool VnetIntegration { get; init; }
    public bool? RbacEnabled { get; init; }
    public bool ManagedEntraId { get; init; }
    public bool AzureRbacEnabled { get; init; }
    public bool LocalAccountsDisabled { get; init; }
    public IReadOnlyList<string> AdminGroupObjectIds { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> EnabledAddons { get; init; } = Array.Empty<string>();
    public string? ETag { get; init; }

    /// <summary>Where it was read from: the resource id, or the file for an offline document.</summary>
    public string Source { get; init; } = "";

    /// <summary>The full cluster document as the service returned it (or as the file held it).</summary>
    public required string Json { get; init; }

    public override string ToString() => Id;
}
