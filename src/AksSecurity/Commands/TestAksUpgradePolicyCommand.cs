using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Reports how clusters keep up with updates: upgrade channels, planned maintenance windows, Kubernetes versions the
/// region still supports, and node pools on another version than the control plane.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AksUpgradePolicy", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksUpgradePolicyCommand : TestClusterCmdlet
{
    // One set of readers per invocation, so the region's version list is read once for a whole pipeline.
    private readonly IReadOnlyList<IEvidenceReader> _readers = new IEvidenceReader[] { new MaintenanceConfigurationReader(), new KubernetesVersionReader() };

    internal override IReadOnlyList<IEvidenceReader> EvidenceReaders => _readers;

    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) => UpgradeChecks.Evaluate(evidence);
}
