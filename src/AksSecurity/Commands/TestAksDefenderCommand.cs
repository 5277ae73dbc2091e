using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reports the Defender sensor of clusters and how it matches the subscription's Defender for Containers plan.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksDefender", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksDefenderCommand : TestClusterCmdlet
{
    // One reader for the whole pipeline: it reads each subscription's plan once.
    internal override IReadOnlyList<IEvidenceReader> EvidenceReaders { get; } = new IEvidenceReader[] { new DefenderPlanReader() };

    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) => DefenderChecks.Evaluate(evidence);
}
