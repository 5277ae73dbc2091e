using System.Management.Automation;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Turns off the Kubernetes dashboard and HTTP application routing add-ons of clusters.</summary>
[Cmdlet(VerbsLifecycle.Disable, "AksLegacyAddon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class DisableAksLegacyAddonCommand : ChangeClusterCmdlet
{
    /// <summary>The add-ons to turn off; both when omitted. (-Name is the cluster's name, as on every cluster cmdlet.)</summary>
    [Parameter]
    [ValidateSet(ManagedClusterView.KubeDashboardAddon, ManagedClusterView.HttpApplicationRoutingAddon)]
    public string[] Addon { get; set; } = Array.Empty<string>();

    internal override IClusterChange CreateChange() => new LegacyAddonChange(Addon);
}
