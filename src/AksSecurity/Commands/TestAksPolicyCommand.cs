using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Policy;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Reports pod security through Azure Policy: the add-on, whether a pod security initiative applies to the cluster (at
/// its scope, resource group or subscription), its effect and its level. Offline (-Path) only the add-on is checked.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AksPolicy", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksPolicyCommand : TestClusterCmdlet
{
    /// <summary>Audit: reporting is enough; Deny: non-compliant pods must be refused.</summary>
    [Parameter]
    [ValidateSet("Audit", "Deny")]
    public string RequiredEffect { get; set; } = new PolicyCheckOptions().RequiredEffect;

    [Parameter]
    [ValidateSet(PodSecurityInitiative.BaselineName, PodSecurityInitiative.RestrictedName)]
    public string RequiredInitiative { get; set; } = new PolicyCheckOptions().RequiredInitiative;

    internal override IReadOnlyList<IEvidenceReader> EvidenceReaders { get; } = new IEvidenceReader[] { new PolicyAssignmentReader() };

    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) =>
        PolicyChecks.Evaluate(evidence, new PolicyCheckOptions { RequiredEffect = RequiredEffect, RequiredInitiative = RequiredInitiative });
}
