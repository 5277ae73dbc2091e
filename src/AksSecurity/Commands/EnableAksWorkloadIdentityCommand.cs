using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Turns on the OIDC issuer and workload identity of clusters. The OIDC issuer cannot be turned off again.</summary>
[Cmdlet(VerbsLifecycle.Enable, "AksWorkloadIdentity", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class EnableAksWorkloadIdentityCommand : ChangeClusterCmdlet
{
    internal override string? ConfirmationWarning => WorkloadIdentityChange.IrreversibleWarning;

    internal override IClusterChange CreateChange() => new WorkloadIdentityChange();
}
