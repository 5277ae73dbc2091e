using System.Globalization;
using System.Text;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// Markdown for a pipeline's summary page (Azure DevOps ##vso[task.uploadsummary], GitHub $GITHUB_STEP_SUMMARY): the
/// totals, the clusters at a glance, the findings grouped by severity, then per cluster its failed checks and the passed ones.
/// Text from the findings is escaped, so a value in a document cannot turn into markup or break a table.
/// </summary>
public sealed class MarkdownReportWriter : IReportWriter
{
    public ReportFormat Format => ReportFormat.Markdown;
    public string DefaultFileName => "aks-security.md";

    private static readonly Severity[] SeveritiesDescending = Enum.GetValues<Severity>().OrderByDescending(s => s).ToArray();

    public void Write(SecurityReport report, Stream output)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Escape(report.Title)).Append("\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Generated {report.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC by AksSecurity {Escape(report.ToolVersion)}.\n\n");
        if (report.Clusters.Count == 0)
        {
            md.Append("No results were given to the report.\n");
            Flush(md, output);
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"**{report.Clusters.Count} cluster(s)**, {report.ChecksRun} checks run: **{report.ChecksPassed} passed**, **{report.ChecksFailed} failed**");
        if (report.ChecksSuppressed > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $", {report.ChecksSuppressed} suppressed");
        }

        md.Append(CultureInfo.InvariantCulture, $" — {report.FindingCount} finding(s): ");
        md.Append(string.Join(" · ", SeveritiesDescending.Where(s => s != Severity.Informational || report.FindingsOf(s) > 0)
            .Select(s => $"{Icon(s)} {report.FindingsOf(s)} {s}")));
        md.Append("\n\n");

        md.Append("## Clusters\n\n");
        md.Append("| Cluster | Score | Checks passed | Critical | High | Medium | Low | Source |\n");
        md.Append("|---|--:|--:|--:|--:|--:|--:|---|\n");
        foreach (var cluster in report.Clusters)
        {
            md.Append(CultureInfo.InvariantCulture,
                $"| {(cluster.Passed ? "✅" : "❌")} {Escape(cluster.DisplayName)} | {(cluster.Score is { } score ? $"{score}%" : "–")} | {cluster.PassedCount} / {cluster.ChecksRun} ");
            foreach (var severity in new[] { Severity.Critical, Severity.High, Severity.Medium, Severity.Low })
            {
                md.Append(CultureInfo.InvariantCulture, $"| {cluster.FindingsOf(severity)} ");
            }

            md.Append("| ").Append(Code(cluster.Source)).Append(" |\n");
        }

        md.Append("\n## Findings by severity\n\n");
        if (report.FindingCount == 0)
        {
            md.Append("Every check passed on every cluster.\n\n");
        }

        foreach (var group in report.AllFindings().GroupBy(x => x.Finding.Severity))
        {
            md.Append(CultureInfo.InvariantCulture, $"### {Icon(group.Key)} {group.Key} ({group.Count()})\n\n");
            md.Append("| Cluster | Check | Finding | Evidence | Fix |\n|---|---|---|---|---|\n");
            foreach (var (cluster, finding) in group)
            {
                md.Append("| ").Append(Escape(cluster.DisplayName))
                  .Append(" | ").Append(CheckLink(report.Check(finding.CheckId)))
                  .Append(" | ").Append(Escape(finding.Title))
                  .Append(" | ").Append(Escape(finding.Evidence))
                  .Append(" | ").Append(Code(finding.Remediation)).Append(" |\n");
            }

            md.Append('\n');
        }

        foreach (var cluster in report.Clusters)
        {
            md.Append("## ").Append(Escape(cluster.DisplayName)).Append("\n\n");
            md.Append(CultureInfo.InvariantCulture, $"{(cluster.Score is { } score ? $"Score **{score}%** · " : "")}{cluster.PassedCount} of {cluster.ChecksRun} checks passed · ");
            md.Append(cluster.IsLive ? "resource " : "document ").Append(Code(cluster.Source)).Append("\n\n");
            if (cluster.Checks.Count == 0)
            {
                md.Append("No check ran on this cluster.\n\n");
                continue;
            }

            // The failed checks as a table; the passed ones on one line, so a fleet's summary stays short.
            var failed = cluster.Checks.Where(c => c.State == CheckState.Failed).OrderByDescending(c => c.Severity).ThenBy(c => c.Check.Id, StringComparer.Ordinal).ToList();
            if (failed.Count > 0)
            {
                md.Append("| Check | Severity | Finding |\n|---|---|---|\n");
                foreach (var outcome in failed)
                {
                    md.Append("| ").Append(CheckLink(outcome.Check))
                      .Append(" | ").Append(outcome.Severity is { } severity ? $"{Icon(severity)} {severity}" : "")
                      .Append(" | ").Append(string.Join("<br>", outcome.Findings.Select(f => Escape(f.Title)).Distinct())).Append(" |\n");
                }

                md.Append('\n');
            }

            var passed = cluster.Checks.Where(c => c.Passed).Select(c => c.Check.Id).ToList();
            if (passed.Count > 0)
            {
                md.Append(CultureInfo.InvariantCulture, $"✅ Passed ({passed.Count}): {Escape(string.Join(", ", passed))}\n\n");
            }

            foreach (var outcome in cluster.Checks.Where(c => c.State == CheckState.Suppressed))
            {
                var until = outcome.Expires is { } expires ? $" (until {expires.UtcDateTime:yyyy-MM-dd})" : "";
                md.Append("⏸️ Suppressed: ").Append(CheckLink(outcome.Check)).Append(" — ").Append(Escape(outcome.Reason ?? "")).Append(Escape(until)).Append("\n\n");
            }

            var notRun = cluster.Checks.Where(c => c.State == CheckState.Skipped).Select(c => c.Check.Id).ToList();
            if (notRun.Count > 0)
            {
                md.Append(CultureInfo.InvariantCulture, $"➖ Not run ({notRun.Count}): {Escape(string.Join(", ", notRun))}\n\n");
            }

            foreach (var expired in cluster.ExpiredSuppressions)
            {
                md.Append("⚠️ Expired suppression, not honoured: ").Append(Escape(expired.CheckId)).Append(" — ").Append(Escape(expired.Reason))
                  .Append(Escape(expired.Expires is { } at ? $" (expired {at.UtcDateTime:yyyy-MM-dd})" : "")).Append("\n\n");
            }
        }

        Flush(md, output);
    }

    private static void Flush(StringBuilder md, Stream output)
    {
        var bytes = ReportWriters.Utf8NoBom.GetBytes(md.ToString());
        output.Write(bytes, 0, bytes.Length);
    }

    private static string Icon(Severity severity) => severity switch
    {
        Severity.Critical => "🔴",
        Severity.High => "🟠",
        Severity.Medium => "🟡",
        Severity.Low => "🔵",
        _ => "⚪",
    };

    private static string CheckLink(ReportCheck check) => $"[{Escape(check.Id)}]({check.HelpUri.AbsoluteUri})";

    /// <summary>Plain text in a table cell: markdown punctuation escaped, HTML characters as entities, one line.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': escaped.Append("&amp;"); break;
                case '<': escaped.Append("&lt;"); break;
                case '>': escaped.Append("&gt;"); break;
                case '\r': break;
                case '\n': escaped.Append("<br>"); break;
                case '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '#' or '~' or '!':
                    escaped.Append('\\').Append(c);
                    break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>A code span in a table cell; text that a code span cannot hold (backticks, line breaks) is escaped instead.</summary>
    private static string Code(string text) =>
        text.Contains('`') || text.Contains('\n') || text.Length == 0 ? Escape(text) : $"`{text.Replace("|", "\\|")}`";
}
