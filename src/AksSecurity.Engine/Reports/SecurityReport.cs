using System.Reflection;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Checks;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// The results of one audit, arranged the way every report format needs them: one entry per cluster (results of
/// several Test- cmdlets, or of Test-AksSecurity, for the same cluster and source merged), each selected check with its
/// outcome, and the checks' metadata from the catalogue. Reports show only what the results hold: nothing is read from
/// the clusters again.
/// </summary>
public sealed class SecurityReport
{
    private SecurityReport(ReportOptions options, IReadOnlyList<ReportCluster> clusters, IReadOnlyList<ReportCheck> checks)
    {
        Options = options;
        Clusters = clusters;
        Checks = checks;
    }

    /// <summary>The engine's version without build metadata ("0.1.0").</summary>
    public static string EngineVersion { get; } = ReadEngineVersion();

    public ReportOptions Options { get; }

    public string Title => Options.Title;
    public DateTimeOffset GeneratedAt => Options.GeneratedAt;
    public string ToolVersion => Options.ToolVersion;

    /// <summary>Clusters ordered by name, then id and source, so a report does not depend on pipeline order.</summary>
    public IReadOnlyList<ReportCluster> Clusters { get; }

    /// <summary>Every check with an outcome on at least one cluster, by id.</summary>
    public IReadOnlyList<ReportCheck> Checks { get; }

    /// <summary>Checks that gave a verdict (passed, failed or suppressed), summed over the clusters.</summary>
    public int ChecksRun => Clusters.Sum(c => c.ChecksRun);
    public int ChecksPassed => Clusters.Sum(c => c.PassedCount);
    public int ChecksFailed => Clusters.Sum(c => c.FailedCount);
    public int ChecksSuppressed => Clusters.Sum(c => c.SuppressedCount);
    public int ChecksSkipped => Clusters.Sum(c => c.SkippedCount);
    public int FindingCount => Clusters.Sum(c => c.Findings.Count);

    public int FindingsOf(Severity severity) => Clusters.Sum(c => c.FindingsOf(severity));

    /// <summary>The score over every cluster's checks, weighted like a cluster's; null when no check ran.</summary>
    public int? Score => ChecksRun == 0 ? null : ReportCluster.WeightedScore(Clusters.SelectMany(c => c.Checks));

    /// <summary>Every remaining finding of every cluster, most severe first.</summary>
    public IEnumerable<(ReportCluster Cluster, Finding Finding)> AllFindings() =>
        Clusters.SelectMany(c => c.Findings.Select(f => (Cluster: c, Finding: f)))
            .OrderByDescending(x => x.Finding.Severity)
            .ThenBy(x => x.Finding.CheckId, StringComparer.Ordinal)
            .ThenBy(x => x.Cluster.DisplayName, StringComparer.OrdinalIgnoreCase);

    public ReportCheck Check(string id) => Checks.First(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    public static SecurityReport Create(IEnumerable<ClusterTestResult> results, ReportOptions? options = null) =>
        Create(results, Array.Empty<AuditResult>(), options);

    /// <summary>A report of Test- cmdlet results and Test-AksSecurity results together; the same cluster from both is one cluster.</summary>
    public static SecurityReport Create(IEnumerable<ClusterTestResult> results, IEnumerable<AuditResult> audits, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        var merged = new List<MergedResult>();
        var index = new Dictionary<(string, string), MergedResult>();
        MergedResult Entry(string id, string name, string source)
        {
            var key = (id.ToUpperInvariant(), source.ToUpperInvariant());
            if (!index.TryGetValue(key, out var entry))
            {
                index.Add(key, entry = new MergedResult(id, name, source));
                merged.Add(entry);
            }

            return entry;
        }

        foreach (var result in results)
        {
            Entry(result.ClusterId, result.ClusterName, result.Source).Add(result.ChecksRun, result.Findings);
        }

        foreach (var audit in audits)
        {
            var entry = Entry(audit.ClusterId, audit.ClusterName, audit.Source);
            entry.Add(audit.ChecksRun, audit.Findings);
            entry.Suppressed.AddRange(audit.Suppressed.Where(s => !entry.Suppressed.Any(e => SameFinding(e.Finding, s.Finding))));
            entry.Skipped.AddRange(audit.Skipped.Where(s => !entry.Skipped.Any(e => Same(e.CheckId, s.CheckId))));
            entry.Expired.AddRange(audit.ExpiredSuppressions.Where(s => !entry.Expired.Contains(s)));
        }

        var checkIds = merged.SelectMany(m => m.ChecksRun.Concat(m.Skipped.Select(s => s.CheckId))).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var checks = checkIds.Select(id => ResolveCheck(id, options, merged)).ToList();
        var byId = checks.ToDictionary(c => c.Id, StringComparer.OrdinalIgnoreCase);

        var names = DisplayNames(merged);
        var clusters = merged
            .Select((m, i) => new ReportCluster(m, names[i], byId))
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Id, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Source, StringComparer.Ordinal)
            .ToList();
        return new SecurityReport(options, clusters, checks);
    }

    /// <summary>Everything given about one cluster and source.</summary>
    internal sealed class MergedResult(string clusterId, string clusterName, string source)
    {
        public string ClusterId { get; } = clusterId;
        public string ClusterName { get; } = clusterName;
        public string Source { get; } = source;
        public List<Finding> Findings { get; } = new();
        public List<string> ChecksRun { get; } = new();
        public List<SuppressedFinding> Suppressed { get; } = new();
        public List<SkippedCheck> Skipped { get; } = new();
        public List<Suppression> Expired { get; } = new();

        public void Add(IEnumerable<string> checksRun, IEnumerable<Finding> findings)
        {
            var list = findings.ToList();
            foreach (var id in checksRun.Concat(list.Select(f => f.CheckId)).Where(id => !ChecksRun.Contains(id, StringComparer.OrdinalIgnoreCase)))
            {
                ChecksRun.Add(id);
            }

            // The same result piped twice is not two findings.
            Findings.AddRange(list.Where(f => !Findings.Any(e => SameFinding(e, f))));
        }
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool SameFinding(Finding a, Finding b) => Same(a.CheckId, b.CheckId) && a.Evidence == b.Evidence && a.JsonPath == b.JsonPath && a.Title == b.Title;

    private static ReportCheck ResolveCheck(string id, ReportOptions options, List<MergedResult> results)
    {
        var metadata = options.CheckLookup?.Invoke(id);
        var findings = results.SelectMany(r => r.Findings.Concat(r.Suppressed.Select(s => s.Finding))).Where(f => Same(f.CheckId, id)).ToList();
        var helpUri = new UriBuilder(options.DocumentationUri) { Fragment = id.ToLowerInvariant() }.Uri;
        return new ReportCheck(
            metadata?.Id ?? id,
            metadata?.Title ?? findings.Select(f => f.Title).FirstOrDefault() ?? id,
            metadata?.Severity ?? (findings.Count > 0 ? findings.Max(f => f.Severity) : null),
            metadata?.Category.ToString(),
            metadata?.Rationale,
            metadata?.Remediation,
            metadata is { FixedBy.Length: > 0 } ? metadata.FixedBy : null,
            helpUri);
    }

    private static string[] DisplayNames(List<MergedResult> results)
    {
        // A name alone, unless two clusters share it: then where each one is from (its resource group or its file).
        var names = results.Select(r => r.ClusterName.Length > 0 ? r.ClusterName : r.ClusterId).ToArray();
        var duplicated = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            if (duplicated.Contains(names[i]))
            {
                names[i] = $"{names[i]} ({Whereabouts(results[i])})";
            }
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            var count = seen[names[i]] = seen.GetValueOrDefault(names[i]) + 1;
            if (count > 1)
            {
                names[i] = $"{names[i]} #{count}";
            }
        }

        return names;
    }

    private static string Whereabouts(MergedResult result)
    {
        var group = Regex.Match(result.ClusterId, "/resourceGroups/([^/]+)/", RegexOptions.IgnoreCase);
        if (Same(result.Source, result.ClusterId) && group.Success)
        {
            return group.Groups[1].Value;
        }

        var location = DocumentLocation.Parse(result.Source);
        return Path.GetFileName(location.File) + location.Entry;
    }

    private static string ReadEngineVersion()
    {
        var version = typeof(SecurityReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(SecurityReport).Assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+');
        return plus < 0 ? version : version[..plus];
    }
}

/// <summary>A check as the reports describe it: metadata from the catalogue when known, otherwise from its findings.</summary>
public sealed record ReportCheck(string Id, string Title, Severity? Severity, string? Category, string? Rationale, string? Remediation, string? FixedBy, Uri HelpUri);

/// <summary>What became of a check on a cluster.</summary>
public enum CheckState
{
    Passed,
    Failed,

    /// <summary>Failed, and a suppression accepts it.</summary>
    Suppressed,

    /// <summary>Selected but gave no verdict (evidence not read, a template expression, not applicable).</summary>
    Skipped,
}

/// <summary>One check on one cluster: its state, its findings (remaining or suppressed), and why it was suppressed or skipped.</summary>
public sealed record CheckOutcome(ReportCheck Check, CheckState State, IReadOnlyList<Finding> Findings, string? Reason = null, DateTimeOffset? Expires = null)
{
    public bool Passed => State == CheckState.Passed;

    /// <summary>The most severe finding's severity, else the check's own.</summary>
    public Severity? Severity => Findings.Count > 0 ? Findings.Max(f => f.Severity) : Check.Severity;
}

/// <summary>One cluster of a report: the checks selected for it and their outcomes.</summary>
public sealed class ReportCluster
{
    internal ReportCluster(SecurityReport.MergedResult merged, string displayName, IReadOnlyDictionary<string, ReportCheck> checks)
    {
        Id = merged.ClusterId;
        Name = merged.ClusterName;
        DisplayName = displayName;
        Source = merged.Source;
        Findings = merged.Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal).ToList();
        Suppressed = merged.Suppressed.OrderByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal).ToList();
        ExpiredSuppressions = merged.Expired;

        var outcomes = new List<CheckOutcome>();
        foreach (var id in merged.ChecksRun)
        {
            var failures = Findings.Where(f => string.Equals(f.CheckId, id, StringComparison.OrdinalIgnoreCase)).ToList();
            var accepted = Suppressed.Where(s => string.Equals(s.CheckId, id, StringComparison.OrdinalIgnoreCase)).ToList();
            outcomes.Add(failures.Count > 0 ? new CheckOutcome(checks[id], CheckState.Failed, failures)
                : accepted.Count > 0 ? new CheckOutcome(checks[id], CheckState.Suppressed, accepted.Select(s => s.Finding).ToList(), accepted[0].Reason, accepted[0].Expires)
                : new CheckOutcome(checks[id], CheckState.Passed, Array.Empty<Finding>()));
        }

        outcomes.AddRange(merged.Skipped.Where(s => !merged.ChecksRun.Contains(s.CheckId, StringComparer.OrdinalIgnoreCase))
            .Select(s => new CheckOutcome(checks[s.CheckId], CheckState.Skipped, Array.Empty<Finding>(), s.Reason)));
        Checks = outcomes.OrderBy(c => c.Check.Id, StringComparer.Ordinal).ToList();
    }

    public string Id { get; }
    public string Name { get; }

    /// <summary>The name, qualified by resource group or file when another cluster of the report has the same name.</summary>
    public string DisplayName { get; }

    /// <summary>The resource id (live) or the file, with the entry's index when the file holds several clusters (offline).</summary>
    public string Source { get; }

    /// <summary>True when the cluster was read from ARM: its source is its resource id.</summary>
    public bool IsLive => string.Equals(Source, Id, StringComparison.OrdinalIgnoreCase);

    /// <summary>Remaining findings, most severe first.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Findings a suppression accepts, most severe first.</summary>
    public IReadOnlyList<SuppressedFinding> Suppressed { get; }

    /// <summary>Suppressions that matched a failure here but had expired, so were not honoured.</summary>
    public IReadOnlyList<Suppression> ExpiredSuppressions { get; }

    /// <summary>Every selected check, by id: passed, failed, suppressed or skipped.</summary>
    public IReadOnlyList<CheckOutcome> Checks { get; }

    public int PassedCount => Checks.Count(c => c.State == CheckState.Passed);
    public int FailedCount => Checks.Count(c => c.State == CheckState.Failed);
    public int SuppressedCount => Checks.Count(c => c.State == CheckState.Suppressed);
    public int SkippedCount => Checks.Count(c => c.State == CheckState.Skipped);

    /// <summary>Checks that gave a verdict: passed, failed or suppressed.</summary>
    public int ChecksRun => Checks.Count - SkippedCount;

    public bool Passed => Findings.Count == 0;
    public Severity? HighestSeverity => Findings.Count == 0 ? null : Findings[0].Severity;

    /// <summary>
    /// 0–100 as Test-AksSecurity scores (SecurityAudit.Score): the severity-weighted share of passed checks among passed
    /// and failed ones, rounded down; suppressed and skipped checks do not count. Null when no check ran.
    /// </summary>
    public int? Score => ChecksRun == 0 ? null : WeightedScore(Checks);

    public int FindingsOf(Severity severity) => Findings.Count(f => f.Severity == severity);

    /// <summary>
    /// SecurityAudit.Score over outcomes: passed checks weigh by the check's severity, failed ones by their most severe
    /// finding, as the audit counts them; a check of unknown severity (not in the catalogue) weighs nothing.
    /// </summary>
    internal static int WeightedScore(IEnumerable<CheckOutcome> outcomes) => SecurityAudit.Score(outcomes
        .Where(o => o.State is CheckState.Passed or CheckState.Failed)
        .GroupBy(o => o.Severity ?? Severity.Informational)
        .Select(g => new SeverityCount { Severity = g.Key, Passed = g.Count(o => o.Passed), Failed = g.Count(o => !o.Passed) }));
}

/// <summary>Where an offline cluster came from: the file and, for files with several clusters, the entry within it.</summary>
public readonly record struct DocumentLocation(string File, string Entry)
{
    private static readonly Regex EntrySuffix = new(@"^(?<file>.+?)(?<entry>#resources\[\d+\]|\[\d+\])$", RegexOptions.CultureInvariant);

    /// <summary>Splits a source as the document reader writes it: "file", "file[2]" (arrays and ARM lists), "file#resources[0]" (templates).</summary>
    public static DocumentLocation Parse(string source)
    {
        var match = EntrySuffix.Match(source);
        return match.Success && !System.IO.File.Exists(source) ? new DocumentLocation(match.Groups["file"].Value, match.Groups["entry"].Value) : new DocumentLocation(source, "");
    }
}
