namespace AksSecurity;

/// <summary>The result of one Test-* cmdlet for one cluster: the contract every Test- cmdlet keeps.</summary>
public sealed class ClusterTestResult
{
    public ClusterTestResult(string clusterId, string clusterName, string source, IReadOnlyList<Finding> findings, IReadOnlyList<string> checksRun)
    {
        ClusterId = clusterId;
        ClusterName = clusterName;
        Source = source;
        Findings = findings;
        ChecksRun = checksRun;
    }

    public string ClusterId { get; }
    public string ClusterName { get; }

    /// <summary>Where the cluster was read from: its resource id (live) or the file path (offline).</summary>
    public string Source { get; }

    /// <summary>True when no check failed.</summary>
    public bool Passed => Findings.Count == 0;

    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Ids of every check that ran, failed or not.</summary>
    public IReadOnlyList<string> ChecksRun { get; }

    /// <summary>The most severe finding, or null when none failed.</summary>
    public Severity? HighestSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);

    public override string ToString() => $"{ClusterName}: {(Passed ? "passed" : $"{Findings.Count} finding(s)")}";
}
