using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Audits clusters with every check of the catalogue (or a selection): live, the whole fleet, or documents. One
/// AuditResult per cluster, or with -AsFinding one Finding per failure; -FailOn ends with a terminating error when
/// findings at or above that severity remain; -IncludeNode also runs kube-bench on the nodes of live clusters.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "AksSecurity", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AuditResult), typeof(Finding))]
public sealed class TestAksSecurityCommand : SecurityAuditCmdlet
{
    private readonly List<AuditResult> _results = new();

    [Parameter]
    [Alias("Detailed")]
    public SwitchParameter AsFinding { get; set; }

    [Parameter]
    public Severity? FailOn { get; set; }

    internal override void OnResult(AuditResult result)
    {
        if (FailOn is not null)
        {
            _results.Add(result);
        }

        if (AsFinding)
        {
            WriteObject(result.Findings, enumerateCollection: true);
        }
        else
        {
            WriteObject(result);
        }
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        if (FailOn is { } threshold)
        {
            AuditFailure.ThrowIfAny(this, _results, threshold);
        }
    }
}
