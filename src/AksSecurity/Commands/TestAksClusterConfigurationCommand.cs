using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Reports the other security settings of clusters: workload identity, Image Cleaner, KMS, node resource group lockdown,
/// network policy, node public IPs, SSH, FIPS and trusted launch on node pools, and legacy add-ons.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AksClusterConfiguration", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksClusterConfigurationCommand : TestClusterCmdlet
{
    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) => ClusterConfigurationChecks.Evaluate(evidence);
}
