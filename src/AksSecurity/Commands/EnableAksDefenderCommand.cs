using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Turns on the Microsoft Defender sensor of a cluster, reporting to a Log Analytics workspace. Reports, never changes,
/// the subscription's Defender for Containers plan.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "AksDefender", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class EnableAksDefenderCommand : ChangeClusterCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string WorkspaceResourceId { get; set; } = "";

    internal override IClusterChange CreateChange() => new DefenderChange(WorkspaceResourceId);
}
