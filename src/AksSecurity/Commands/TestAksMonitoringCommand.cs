using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reports Container Insights, diagnostic settings and audit log categories, and managed Prometheus metrics.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksMonitoring", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksMonitoringCommand : TestClusterCmdlet
{
    internal override IReadOnlyList<IEvidenceReader> EvidenceReaders { get; } = new IEvidenceReader[] { new DiagnosticSettingsReader() };

    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) => MonitoringChecks.Evaluate(evidence);
}
