using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Locks the node resource group of clusters down to read-only (or opens it again).</summary>
[Cmdlet(VerbsCommon.Set, "AksNodeResourceGroupRestriction", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class SetAksNodeResourceGroupRestrictionCommand : ChangeClusterCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateSet(NodeResourceGroupRestrictionChange.ReadOnly, NodeResourceGroupRestrictionChange.Unrestricted)]
    public string RestrictionLevel { get; set; } = "";

    internal override IClusterChange CreateChange() => new NodeResourceGroupRestrictionChange(RestrictionLevel);
}
