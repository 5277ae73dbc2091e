namespace AksSecurity;

/// <summary>
/// The audit of one cluster by Test-AksSecurity: every selected check's verdict, the findings that remain, the ones
/// suppressed, the checks that could not give a verdict, and a score.
/// </summary>
public sealed class AuditResult
{
    public required string ClusterId { get; init; }
    public required string ClusterName { get; init; }

    /// <summary>Where the cluster was read from: its resource id (live) or the file (offline).</summary>
    public required string Source { get; init; }

    /// <summary>True when no finding remains after suppressions.</summary>
    public bool Passed => Findings.Count == 0;

    /// <summary>
    /// 0 to 100: the severity-weighted share of checks that passed among those that gave a verdict and were not
    /// suppressed (weights Critical 10, High 5, Medium 3, Low 1, Informational 0), rounded down; 100 when none did.
    /// </summary>
    public required int Score { get; init; }

    /// <summary>Failures that remain, one per failed check and affected item (a node pool, a diagnostic setting).</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = Array.Empty<Finding>();

    /// <summary>Failures a suppression accepts, with its reason.</summary>
    public IReadOnlyList<SuppressedFinding> Suppressed { get; init; } = Array.Empty<SuppressedFinding>();

    /// <summary>Ids of the checks that gave a verdict (passed, failed or suppressed).</summary>
    public IReadOnlyList<string> ChecksRun { get; init; } = Array.Empty<string>();

    /// <summary>Selected checks that gave no verdict, and why (evidence not read, a template expression, not applicable).</summary>
    public IReadOnlyList<SkippedCheck> Skipped { get; init; } = Array.Empty<SkippedCheck>();

    /// <summary>Passed, failed and suppressed checks per severity, from Critical to Informational.</summary>
    public IReadOnlyList<SeverityCount> Counts { get; init; } = Array.Empty<SeverityCount>();

    /// <summary>Suppressions that match a failed check of this cluster but have expired: not honoured.</summary>
    public IReadOnlyList<Suppression> ExpiredSuppressions { get; init; } = Array.Empty<Suppression>();

    public bool HasExpiredSuppressions => ExpiredSuppressions.Count > 0;

    public int PassedChecks => Counts.Sum(c => c.Passed);
    public int FailedChecks => Counts.Sum(c => c.Failed);
    public int SuppressedChecks => Counts.Sum(c => c.Suppressed);

    /// <summary>The most severe remaining finding, or null when none remains.</summary>
    public Severity? HighestSeverity => Findings.Count == 0 ? null : Findings.Max(f => f.Severity);

    /// <summary>Failed checks of one severity.</summary>
    public int FailedOf(Severity severity) => Counts.FirstOrDefault(c => c.Severity == severity)?.Failed ?? 0;

    public override string ToString() => $"{ClusterName}: score {Score}, {(Passed ? "passed" : $"{Findings.Count} finding(s)")}";
}

/// <summary>How many checks of one severity passed, failed or were suppressed on one cluster.</summary>
public sealed class SeverityCount
{
    public required Severity Severity { get; init; }
    public int Passed { get; init; }
    public int Failed { get; init; }
    public int Suppressed { get; init; }

    public override string ToString() => $"{Severity}: {Passed} passed, {Failed} failed, {Suppressed} suppressed";
}

/// <summary>A selected check that gave no verdict on a cluster, and why.</summary>
public sealed class SkippedCheck
{
    public required string CheckId { get; init; }
    public required string Reason { get; init; }

    public override string ToString() => $"{CheckId}: {Reason}";
}

/// <summary>A finding accepted by a suppression.</summary>
public sealed class SuppressedFinding
{
    public required Finding Finding { get; init; }
    public required Suppression Suppression { get; init; }

    public string CheckId => Finding.CheckId;
    public Severity Severity => Finding.Severity;
    public string Title => Finding.Title;
    public string? ClusterName => Finding.ClusterName;
    public string Reason => Suppression.Reason;
    public DateTimeOffset? Expires => Suppression.Expires;

    public override string ToString() => $"{CheckId} [{Severity}] {Title} (suppressed: {Reason})";
}

/// <summary>
/// One entry of a suppression file: a check (wildcards allowed) accepted on the clusters whose name or resource id
/// matches a pattern, for a reason, until it expires.
/// </summary>
public sealed class Suppression
{
    public required string CheckId { get; init; }

    /// <summary>Wildcard pattern (* and ?) on the cluster's name or resource id; "*" for every cluster.</summary>
    public string Cluster { get; init; } = "*";

    public required string Reason { get; init; }

    /// <summary>The moment it stops being honoured; null for never. A date without a time is midnight UTC at its start.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>The file (and entry) it came from.</summary>
    public string Source { get; init; } = "";

    public override string ToString() => $"{CheckId} on '{Cluster}': {Reason}";
}
