using System.Reflection;
using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// The results of one audit, arranged the way every report format needs them: one entry per cluster (results of
/// several Test- cmdlets for the same cluster and source merged), each check that ran with its outcome, and the
/// checks' metadata. Reports show only what the results hold: nothing is read from the clusters again.
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

    /// <summary>Every check that ran on at least one cluster, by id.</summary>
    public IReadOnlyList<ReportCheck> Checks { get; }

    public int ChecksRun => Clusters.Sum(c => c.Checks.Count);
    public int ChecksPassed => Clusters.Sum(c => c.PassedCount);
    public int ChecksFailed => Clusters.Sum(c => c.FailedCount);
    public int FindingCount => Clusters.Sum(c => c.Findings.Count);

    public int FindingsOf(Severity severity) => Clusters.Sum(c => c.FindingsOf(severity));

    /// <summary>Every finding of every cluster, most severe first.</summary>
    public IEnumerable<(ReportCluster Cluster, Finding Finding)> AllFindings() =>
        Clusters.SelectMany(c => c.Findings.Select(f => (Cluster: c, Finding: f)))
            .OrderByDescending(x => x.Finding.Severity)
            .ThenBy(x => x.Finding.CheckId, StringComparer.Ordinal)
            .ThenBy(x => x.Cluster.DisplayName, StringComparer.OrdinalIgnoreCase);

    public ReportCheck Check(string id) => Checks.First(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    public static SecurityReport Create(IEnumerable<ClusterTestResult> results, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        var merged = Merge(results);

        var checkIds = merged.SelectMany(m => m.ChecksRun).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var checks = checkIds.Select(id => ResolveCheck(id, options, merged)).ToList();
        var byId = checks.ToDictionary(c => c.Id, StringComparer.OrdinalIgnoreCase);

        var names = DisplayNames(merged);
        var clusters = merged
            .Select((m, i) => new ReportCluster(m.ClusterId, m.ClusterName, names[i], m.Source, m.Findings, m.ChecksRun.Select(id => byId[id]).ToList()))
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Id, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Source, StringComparer.Ordinal)
            .ToList();
        return new SecurityReport(options, clusters, checks);
    }

    private sealed record MergedResult(string ClusterId, string ClusterName, string Source, List<Finding> Findings, List<string> ChecksRun);

    private static List<MergedResult> Merge(IEnumerable<ClusterTestResult> results)
    {
        // Test-AksApiAccess and Test-AksPolicy on the same cluster are one cluster in the report.
        var merged = new List<MergedResult>();
        var index = new Dictionary<(string, string), MergedResult>();
        foreach (var result in results)
        {
            var key = (result.ClusterId.ToUpperInvariant(), result.Source.ToUpperInvariant());
            if (!index.TryGetValue(key, out var entry))
            {
                entry = new MergedResult(result.ClusterId, result.ClusterName, result.Source, new List<Finding>(), new List<string>());
                index.Add(key, entry);
                merged.Add(entry);
            }

            foreach (var id in result.ChecksRun.Concat(result.Findings.Select(f => f.CheckId)))
            {
                if (!entry.ChecksRun.Contains(id, StringComparer.OrdinalIgnoreCase))
                {
                    entry.ChecksRun.Add(id);
                }
            }

            // The same result piped twice is not two findings.
            entry.Findings.AddRange(result.Findings.Where(f => !entry.Findings.Any(e => SameFinding(e, f))));
        }

        return merged;
    }

    private static bool SameFinding(Finding a, Finding b) =>
        string.Equals(a.CheckId, b.CheckId, StringComparison.OrdinalIgnoreCase) && a.Evidence == b.Evidence && a.JsonPath == b.JsonPath && a.Title == b.Title;

    private static ReportCheck ResolveCheck(string id, ReportOptions options, List<MergedResult> results)
    {
        var metadata = options.CheckLookup?.Invoke(id);
        var findings = results.SelectMany(r => r.Findings).Where(f => string.Equals(f.CheckId, id, StringComparison.OrdinalIgnoreCase)).ToList();
        var helpUri = new UriBuilder(options.DocumentationUri) { Fragment = id.ToLowerInvariant() }.Uri;
        return new ReportCheck(
            metadata?.Id ?? id,
            metadata?.Title ?? findings.Select(f => f.Title).FirstOrDefault() ?? id,
            metadata?.Severity ?? (findings.Count > 0 ? findings.Max(f => f.Severity) : null),
            metadata?.Category,
            metadata?.Description,
            metadata?.Remediation,
            helpUri);
    }

    private static string[] DisplayNames(List<MergedResult> results)
    {
        // A name alone, unless two clusters share it: then where each one is from (its resource group or its file).
        var names = results.Select(r => r.ClusterName).ToArray();
        var duplicated = names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            if (duplicated.Contains(names[i]))
            {
                names[i] = $"{results[i].ClusterName} ({Whereabouts(results[i])})";
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
        if (string.Equals(result.Source, result.ClusterId, StringComparison.OrdinalIgnoreCase) && group.Success)
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
public sealed record ReportCheck(string Id, string Title, Severity? Severity, string? Category, string? Description, string? Remediation, Uri HelpUri);

/// <summary>One check on one cluster: passed, or failed with its findings.</summary>
public sealed record CheckOutcome(ReportCheck Check, IReadOnlyList<Finding> Findings)
{
    public bool Passed => Findings.Count == 0;

    /// <summary>The most severe finding's severity, else the check's own.</summary>
    public Severity? Severity => Findings.Count > 0 ? Findings.Max(f => f.Severity) : Check.Severity;
}

/// <summary>One cluster of a report: the checks that ran on it and their outcomes.</summary>
public sealed class ReportCluster
{
    internal ReportCluster(string id, string name, string displayName, string source, IReadOnlyList<Finding> findings, IReadOnlyList<ReportCheck> checksRun)
    {
        Id = id;
        Name = name;
        DisplayName = displayName;
        Source = source;
        Findings = findings.OrderByDescending(f => f.Severity).ThenBy(f => f.CheckId, StringComparer.Ordinal).ToList();
        Checks = checksRun
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => new CheckOutcome(c, Findings.Where(f => string.Equals(f.CheckId, c.Id, StringComparison.OrdinalIgnoreCase)).ToList()))
            .ToList();
    }

    public string Id { get; }
    public string Name { get; }

    /// <summary>The name, qualified by resource group or file when another cluster of the report has the same name.</summary>
    public string DisplayName { get; }

    /// <summary>The resource id (live) or the file, with the entry's index when the file holds several clusters (offline).</summary>
    public string Source { get; }

    /// <summary>True when the cluster was read from ARM: its source is its resource id.</summary>
    public bool IsLive => string.Equals(Source, Id, StringComparison.OrdinalIgnoreCase);

    /// <summary>Findings, most severe first.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Every check that ran, by id.</summary>
    public IReadOnlyList<CheckOutcome> Checks { get; }

    public int PassedCount => Checks.Count(c => c.Passed);
    public int FailedCount => Checks.Count - PassedCount;
    public bool Passed => Findings.Count == 0;
    public Severity? HighestSeverity => Findings.Count == 0 ? null : Findings[0].Severity;

    /// <summary>Share of the checks run that passed, 0–100; null when no check ran.</summary>
    public int? Score => Checks.Count == 0 ? null : (int)Math.Round(100.0 * PassedCount / Checks.Count, MidpointRounding.AwayFromZero);

    public int FindingsOf(Severity severity) => Findings.Count(f => f.Severity == severity);
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
