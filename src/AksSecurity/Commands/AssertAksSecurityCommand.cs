using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// The pipeline gate: audits clusters like Test-AksSecurity (or takes its AuditResults from the pipeline) and throws a
/// terminating error listing the findings at or above -FailOn that remain, so an Azure DevOps or GitHub task fails.
/// </summary>
[Cmdlet(VerbsLifecycle.Assert, "AksSecurity", DefaultParameterSetName = ByAuditResultSet)]
[OutputType(typeof(AuditResult))]
public sealed class AssertAksSecurityCommand : SecurityAuditCmdlet
{
    private const string ByAuditResultSet = "ByAuditResult";

    private readonly List<AuditResult> _results = new();
    private HashSet<string>? _selected;

    [Parameter(Mandatory = true, ParameterSetName = ByAuditResultSet, ValueFromPipeline = true)]
    public AuditResult[] AuditResult { get; set; } = Array.Empty<AuditResult>();

    [Parameter]
    public Severity FailOn { get; set; } = AksSecurity.Severity.Low;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ParameterSetName == ByAuditResultSet && (CheckId.Length > 0 || ExcludeCheckId.Length > 0 || Severity.Length > 0 || Category.Length > 0))
        {
            // On results already made, the selection narrows which findings the gate counts.
            try
            {
                _selected = Selection.Resolve().Select(c => c.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
            }
            catch (AksSecurityException ex)
            {
                Fail(ex);
            }
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ByAuditResultSet)
        {
            base.ProcessRecord();
            return;
        }

        foreach (var result in AuditResult)
        {
            OnResult(result);
        }
    }

    internal override void OnResult(AuditResult result)
    {
        _results.Add(_selected is null ? result : Narrowed(result, _selected));
        if (PassThru)
        {
            WriteObject(result);
        }
    }

    protected override void EndProcessing()
    {
        base.EndProcessing();
        AuditFailure.ThrowIfAny(this, _results, FailOn);
    }

    private static AuditResult Narrowed(AuditResult result, HashSet<string> selected) => new()
    {
        ClusterId = result.ClusterId,
        ClusterName = result.ClusterName,
        Source = result.Source,
        Score = result.Score,
        Findings = result.Findings.Where(f => selected.Contains(f.CheckId)).ToArray(),
        Suppressed = result.Suppressed,
        ChecksRun = result.ChecksRun,
        Skipped = result.Skipped,
        Counts = result.Counts,
        ExpiredSuppressions = result.ExpiredSuppressions,
    };
}
