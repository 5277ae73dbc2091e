using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of the cmdlets that act on one cluster at a time: by resource group and name, by resource id, or from
/// Get-AksCluster output. From the pipeline, objects bind by their Id (Az.Aks objects, Resource Graph rows);
/// Name does not bind by property name, or every FileInfo piped to Test- cmdlets would look like a cluster name.
/// </summary>
public abstract class ClusterTargetCmdlet : AksCmdlet
{
    protected const string ByNameSet = ClusterTarget.ByNameSet;
    protected const string ByIdSet = ClusterTarget.ByIdSet;
    protected const string ByInputObjectSet = ClusterTarget.ByInputObjectSet;

    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    [ValidateNotNullOrEmpty]
    public string ResourceGroupName { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [Alias("ClusterName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(SubscriptionCompleter))]
    [ValidateNotNullOrEmpty]
    public string? SubscriptionId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceId", "ClusterId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    public AksCluster? InputObject { get; set; }

    /// <summary>The cluster this pipeline item names; validation errors throw InvalidArgument before anything is sent.</summary>
    internal ClusterResourceId TargetId() =>
        ClusterTarget.Resolve(ParameterSetName, Id, InputObject, SubscriptionId, ResourceGroupName, Name, () => Connection);

    /// <summary>What error records name as their target.</summary>
    internal string TargetText => ClusterTarget.Describe(ParameterSetName, Id, InputObject, ResourceGroupName, Name);
}
