using System.Management.Automation;
using AksSecurity.Engine.Policy;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Gets the latest Azure Policy compliance summary of clusters: non-compliant resources and policies per assignment.</summary>
[Cmdlet(VerbsCommon.Get, "AksPolicyCompliance", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(PolicyComplianceSummary))]
public sealed class GetAksPolicyComplianceCommand : ClusterTargetCmdlet
{
    protected override void ProcessRecord() => ForItem(TargetText, () =>
    {
        // Id and connection on the pipeline thread: resolving the connection may call Az.Accounts or write verbose.
        var id = TargetId();
        var connection = Connection;
        WriteObject(Run((sink, token) => PolicyCompliance.SummarizeAsync(connection, id, sink, token)));
    });
}
