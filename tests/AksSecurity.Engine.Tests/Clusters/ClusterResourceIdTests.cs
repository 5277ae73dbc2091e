using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Tests.Clusters;

public class ClusterResourceIdTests
{
    [Fact]
    public void Parses_ids_case_insensitively_as_arm_returns_them()
    {
        // The real service returns "resourcegroups" in lower case in some bodies.
        var id = ClusterResourceId.Parse("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/microsoft.containerservice/managedclusters/aks-1");
        Assert.Equal(("00000000-0000-0000-0000-000000000000", "rg1", "aks-1"), (id.SubscriptionId, id.ResourceGroupName, id.Name));
        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/aks-1", id.Id);
    }

    [Theory]
    [InlineData("/subscriptions/not-a-guid/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/a", "not a GUID")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/a", "not a managed cluster resource id")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/-bad-", "Cluster name")]
    [InlineData("aks-1", "not a managed cluster resource id")]
    public void Refuses_bad_ids_with_a_reason(string text, string reason)
    {
        var ex = Assert.Throws<AksSecurityException>(() => ClusterResourceId.Parse(text));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(reason, ex.Message);
        Assert.Equal(text, ex.Target);
    }
}
