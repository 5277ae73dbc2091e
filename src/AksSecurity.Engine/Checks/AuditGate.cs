using System.Text;

namespace AksSecurity.Engine.Checks;

/// <summary>The pipeline gate of Assert-AksSecurity and Test-AksSecurity -FailOn: the findings at or above a severity that remain.</summary>
public static class AuditGate
{
    /// <summary>At most this many findings are listed in the message; the rest are counted.</summary>
    public const int MaximumListed = 50;

    /// <summary>The remaining (not suppressed) findings at or above <paramref name="threshold"/>, most severe first.</summary>
    public static IReadOnlyList<Finding> Failures(IEnumerable<AuditResult> results, Severity threshold) =>
        results.SelectMany(r => r.Findings)
            .Where(f => f.Severity >= threshold)
            .OrderByDescending(f => f.Severity).ThenBy(f => f.ClusterName, StringComparer.OrdinalIgnoreCase).ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The message of the terminating error; null when nothing at or above the threshold remains.</summary>
    public static string? Message(IReadOnlyCollection<AuditResult> results, Severity threshold)
    {
        var failures = Failures(results, threshold);
        if (failures.Count == 0)
        {
            return null;
        }

        var clusters = failures.Select(f => f.ClusterId ?? f.ClusterName).Distinct(StringComparer.OrdinalIgnoreCase).Count();
        var text = new StringBuilder()
            .Append($"AKS security audit failed: {failures.Count} finding(s) at or above {threshold} on {clusters} of {results.Count} cluster(s):");
        foreach (var finding in failures.Take(MaximumListed))
        {
            text.Append($"\n  {finding.ClusterName}: {finding.CheckId} [{finding.Severity}] {finding.Title} ({finding.DocumentationUrl})");
        }

        if (failures.Count > MaximumListed)
        {
            text.Append($"\n  ... and {failures.Count - MaximumListed} more.");
        }

        return text.ToString();
    }
}
