using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>
/// A managed cluster as the JSON document ARM returns. We read it through <see cref="ManagedClusterView"/> and change it
/// only through a <see cref="ChangePlan"/>, so fields this module does not model go back to ARM untouched.
/// </summary>
public sealed class ManagedClusterDocument
{
    public ManagedClusterDocument(JsonObject root, string source)
    {
        Root = root;
        Source = source;
        View = new ManagedClusterView(root);
    }

    public JsonObject Root { get; }

    /// <summary>The resource id for a live cluster, or the file (and index) for an offline document.</summary>
    public string Source { get; }

    public ManagedClusterView View { get; }

    public string? ETag => JsonPaths.GetString(Root, "eTag");

    public ManagedClusterDocument Clone() => new((JsonObject)Root.DeepClone(), Source);

    public AksCluster ToAksCluster()
    {
        var v = View;
        return new AksCluster
        {
            Id = v.Id,
            Name = v.Name,
            ResourceGroupName = v.ResourceGroupName,
            SubscriptionId = v.SubscriptionId,
            Location = v.Location,
            KubernetesVersion = v.CurrentKubernetesVersion ?? v.KubernetesVersion,
            ProvisioningState = v.ProvisioningState,
            PowerState = v.PowerState,
            Fqdn = v.Fqdn,
            PrivateFqdn = v.PrivateFqdn,
            IsPrivateCluster = v.IsPrivateCluster,
            PrivateClusterPublicFqdn = v.IsPrivateCluster ? v.PrivateClusterPublicFqdn : null,
            AuthorizedIpRanges = v.AuthorizedIpRanges,
            RunCommandDisabled = v.RunCommandDisabled,
            VnetIntegration = v.VnetIntegration,
            RbacEnabled = v.RbacEnabled,
            ManagedEntraId = v.ManagedEntraId,
            AzureRbacEnabled = v.AzureRbacEnabled,
            LocalAccountsDisabled = v.LocalAccountsDisabled,
            AdminGroupObjectIds = v.AdminGroupObjectIds,
            EnabledAddons = v.EnabledAddons,
            ETag = ETag,
            Source = Source,
            Json = Root.ToJsonString(),
        };
    }
}
