using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Checks;

/// <summary>Collects which checks ran and which failed for one cluster, and makes the result.</summary>
public sealed class CheckRun
{
    private readonly ClusterEvidence _evidence;
    private readonly List<Finding> _findings = new();
    private readonly List<string> _run = new();

    public CheckRun(ClusterEvidence evidence) => _evidence = evidence;

    public ManagedClusterView View => _evidence.View;

    /// <summary>The cluster's resource id, for remediation commands.</summary>
    public string Id => _evidence.View.Id;

    /// <summary>Records that a check ran; it passed unless <see cref="Fail"/> follows.</summary>
    public void Ran(params string[] checkIds) => _run.AddRange(checkIds.Where(id => !_run.Contains(id)));

    public void Fail(string checkId, Severity severity, string title, string evidence, string remediation, string? jsonPath = null)
    {
        Ran(checkId);
        _findings.Add(new Finding(checkId, severity, title, evidence, remediation)
        {
            JsonPath = jsonPath,
            ClusterId = _evidence.View.Id,
            ClusterName = _evidence.View.Name,
        });
    }

    public ClusterTestResult Result() => new(_evidence.View.Id, _evidence.View.Name, _evidence.Cluster.Source, _findings.ToArray(), _run.ToArray());
}
