using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Infrastructure;

/// <summary>
/// The cluster one pipeline item names, by parameter set: -Id, -InputObject, or -ResourceGroupName/-Name in the given
/// (else the connection's) subscription. Shared by every cmdlet that takes a cluster.
/// </summary>
internal static class ClusterTarget
{
    public const string ByNameSet = "ByName";
    public const string ByIdSet = "ById";
    public const string ByInputObjectSet = "ByInputObject";

    /// <summary>Validation errors throw InvalidArgument before anything is sent.</summary>
    public static ClusterResourceId Resolve(string parameterSet, string id, AksCluster? inputObject, string? subscriptionId,
        string resourceGroupName, string name, Func<ArmConnection> connection) => parameterSet switch
    {
        ByIdSet => ClusterResourceId.Parse(id),
        ByInputObjectSet => ClusterResourceId.Parse(inputObject!.Id),
        _ => ClusterResourceId.Create(subscriptionId ?? connection().SubscriptionId
            ?? throw new AksSecurityException(AksErrorKind.InvalidArgument, "No subscription: pass -SubscriptionId or connect with -Subscription.", "SubscriptionId"),
            resourceGroupName, name),
    };

    /// <summary>What error records name as their target.</summary>
    public static string Describe(string parameterSet, string id, AksCluster? inputObject, string resourceGroupName, string name) => parameterSet switch
    {
        ByIdSet => id,
        ByInputObjectSet => inputObject?.Id ?? "",
        _ => $"{resourceGroupName}/{name}",
    };
}
