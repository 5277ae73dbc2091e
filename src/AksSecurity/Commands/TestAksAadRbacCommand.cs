using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reports who can get into the cluster: Kubernetes RBAC, AKS-managed Entra ID, Azure RBAC, local accounts, admin groups.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksAadRbac", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksAadRbacCommand : TestClusterCmdlet
{
    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) => AadRbacChecks.Evaluate(evidence);
}
