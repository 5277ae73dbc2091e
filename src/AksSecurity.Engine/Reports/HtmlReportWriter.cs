using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// One self-contained HTML page: a score per cluster, findings by severity as an inline SVG chart, a sortable and
/// filterable table of findings with each one's evidence and fix, and every check per cluster. CSS, script and charts
/// are inline; a Content-Security-Policy with the hashes of the one style and one script blocks every fetch, so the
/// page loads nothing even when a value in it tried to. The only links are to the check documentation.
/// </summary>
public sealed class HtmlReportWriter : IReportWriter
{
    public ReportFormat Format => ReportFormat.Html;
    public string DefaultFileName => "aks-security.html";

    private static readonly Severity[] SeveritiesDescending = Enum.GetValues<Severity>().OrderByDescending(s => s).ToArray();

    public void Write(SecurityReport report, Stream output)
    {
        var html = new StringBuilder(64 * 1024);
        var generated = report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '")
            .Append(Hash(Style)).Append("'; script-src '").Append(Hash(Script))
            .Append("'; img-src data:; base-uri 'none'; form-action 'none'\" />\n");
        html.Append("<meta name=\"generator\" content=\"AksSecurity ").Append(E(report.ToolVersion)).Append("\" />\n");
        html.Append("<title>").Append(E(report.Title)).Append(" — ").Append(generated).Append("</title>\n");
        html.Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n");

        WriteMasthead(html, report, generated);
        html.Append("<main class=\"wrap\">\n");
        if (report.Clusters.Count == 0)
        {
            html.Append("<section class=\"panel empty\"><h2>No results</h2><p>No results were given to the report.</p></section>\n");
        }
        else
        {
            WriteKpis(html, report);
            html.Append("<div class=\"duo\">\n");
            WriteSeverityChart(html, report);
            WriteScoreChart(html, report);
            html.Append("</div>\n");
            WriteClusterCards(html, report);
            WriteMostFrequent(html, report);
            WriteFindingsTable(html, report);
            WriteSuppressed(html, report);
            WriteChecksPerCluster(html, report);
        }

        html.Append("</main>\n<footer class=\"wrap\">AksSecurity ").Append(E(report.ToolVersion))
            .Append(" · this page is self-contained: it loads nothing from anywhere. Check ids link to the check catalogue.</footer>\n");
        html.Append("<script>").Append(Script).Append("</script>\n</body>\n</html>\n");

        var bytes = ReportWriters.Utf8NoBom.GetBytes(html.ToString());
        output.Write(bytes, 0, bytes.Length);
    }

    private static void WriteMasthead(StringBuilder html, SecurityReport report, string generated)
    {
        var overall = report.Score;
        html.Append("<header class=\"masthead\"><div class=\"wrap masthead-inner\">\n<div class=\"brand\">");
        html.Append("<svg class=\"shield\" viewBox=\"0 0 24 24\" aria-hidden=\"true\"><path d=\"M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5z\"/><path class=\"tick\" d=\"m8.5 12 2.5 2.5 4.5-5\"/></svg>");
        html.Append("<div><h1>").Append(E(report.Title)).Append("</h1><p class=\"meta\">Generated ").Append(generated)
            .Append(" by AksSecurity ").Append(E(report.ToolVersion)).Append(" · ").Append(Plural(report.Clusters.Count, "cluster"))
            .Append(" · ").Append(Plural(report.ChecksRun, "check")).Append(" run</p></div></div>\n");
        html.Append("<div class=\"overall\">").Append(Ring(overall, 72, "ring-lg")).Append("<div><strong>Overall</strong><span>")
            .Append(report.ChecksPassed).Append(" of ").Append(report.ChecksRun).Append(" checks passed</span></div></div>\n");
        html.Append("</div></header>\n");
    }

    private static void WriteKpis(StringBuilder html, SecurityReport report)
    {
        html.Append("<section class=\"kpis\" aria-label=\"Totals\">\n");
        Kpi(html, "kpi-neutral", report.Clusters.Count, "Clusters", $"{report.Clusters.Count(c => c.Passed)} without findings");
        Kpi(html, report.ChecksFailed == 0 ? "kpi-pass" : "kpi-neutral", report.ChecksPassed, "Checks passed", $"of {report.ChecksRun} run");
        Kpi(html, "kpi-neutral", report.FindingCount, "Findings", report.ChecksSuppressed > 0 ? $"{report.ChecksSuppressed} more suppressed" : "across all clusters");
        foreach (var severity in new[] { Severity.Critical, Severity.High, Severity.Medium, Severity.Low })
        {
            var count = report.FindingsOf(severity);
            Kpi(html, count == 0 ? "kpi-zero" : "sev-" + Slug(severity), count, severity.ToString(), count == 1 ? "finding" : "findings");
        }

        html.Append("</section>\n");
    }

    private static void Kpi(StringBuilder html, string cssClass, int value, string label, string note) =>
        html.Append("<div class=\"kpi ").Append(cssClass).Append("\"><span class=\"kpi-value\">").Append(value)
            .Append("</span><span class=\"kpi-label\">").Append(E(label)).Append("</span><span class=\"kpi-note\">").Append(E(note)).Append("</span></div>\n");

    private static void WriteSeverityChart(StringBuilder html, SecurityReport report)
    {
        var severities = SeveritiesDescending.Where(s => s != Severity.Informational || report.FindingsOf(s) > 0).ToList();
        var max = Math.Max(1, severities.Max(report.FindingsOf));
        const int rowHeight = 40, labelWidth = 110, barWidth = 330;
        var height = severities.Count * rowHeight + 8;
        html.Append("<section class=\"panel\"><h2>Findings by severity</h2>\n");
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(labelWidth + barWidth + 50).Append(' ').Append(height)
            .Append("\" role=\"img\" aria-label=\"Findings by severity: ")
            .Append(E(string.Join(", ", severities.Select(s => $"{s} {report.FindingsOf(s)}")))).Append("\">\n");
        for (var i = 0; i < severities.Count; i++)
        {
            var severity = severities[i];
            var count = report.FindingsOf(severity);
            var y = i * rowHeight + 6;
            var width = count == 0 ? 0 : Math.Max(4, (int)Math.Round((double)barWidth * count / max));
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"0\" y=\"{y + 19}\">{severity}</text>");
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"track\" x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{barWidth}\" height=\"22\" rx=\"5\"/>");
            if (width > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<rect class=\"fill-{Slug(severity)}\" x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{width}\" height=\"22\" rx=\"5\"/>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<text class=\"count\" x=\"{labelWidth + barWidth + 12}\" y=\"{y + 20}\">{count}</text>\n");
        }

        html.Append("</svg></section>\n");
    }

    private static void WriteScoreChart(StringBuilder html, SecurityReport report)
    {
        // Worst first: the clusters that need attention lead.
        const int shown = 10, rowHeight = 30, labelWidth = 150, barWidth = 240;
        var clusters = report.Clusters.OrderBy(c => c.Score ?? 101).ThenBy(c => c.DisplayName, StringComparer.OrdinalIgnoreCase).Take(shown).ToList();
        var height = clusters.Count * rowHeight + 8;
        html.Append("<section class=\"panel\"><h2>Score per cluster</h2>\n");
        html.Append("<svg class=\"chart\" viewBox=\"0 0 ").Append(labelWidth + barWidth + 60).Append(' ').Append(height)
            .Append("\" role=\"img\" aria-label=\"Score per cluster\">\n");
        for (var i = 0; i < clusters.Count; i++)
        {
            var cluster = clusters[i];
            var y = i * rowHeight + 4;
            var width = (int)Math.Round(barWidth * (cluster.Score ?? 0) / 100.0);
            html.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"0\" y=\"{y + 16}\">{E(Shorten(cluster.DisplayName, 20))}<title>{E(cluster.DisplayName)}</title></text>");
            html.Append(CultureInfo.InvariantCulture, $"<rect class=\"track\" x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{barWidth}\" height=\"18\" rx=\"4\"/>");
            if (width > 0)
            {
                html.Append(CultureInfo.InvariantCulture, $"<rect class=\"fill-{Band(cluster.Score)}\" x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width}\" height=\"18\" rx=\"4\"/>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<text class=\"count\" x=\"{labelWidth + barWidth + 10}\" y=\"{y + 17}\">{(cluster.Score is { } score ? score + "%" : "–")}</text>\n");
        }

        html.Append("</svg>");
        if (report.Clusters.Count > shown)
        {
            html.Append("<p class=\"note\">The ").Append(shown).Append(" lowest of ").Append(report.Clusters.Count).Append(" clusters.</p>");
        }

        html.Append("</section>\n");
    }

    private static void WriteClusterCards(StringBuilder html, SecurityReport report)
    {
        html.Append("<section aria-labelledby=\"clusters\"><h2 id=\"clusters\" class=\"section-title\">Clusters</h2><div class=\"cards\">\n");
        foreach (var cluster in report.Clusters)
        {
            html.Append("<article class=\"card").Append(cluster.Passed ? " card-pass" : "").Append("\">\n<div class=\"card-head\">")
                .Append(Ring(cluster.Score, 56, "ring-sm")).Append("<div class=\"card-title\"><h3 title=\"").Append(E(cluster.Id)).Append("\">")
                .Append(E(cluster.DisplayName)).Append("</h3><p class=\"where\" title=\"").Append(E(cluster.Source)).Append("\">")
                .Append(cluster.IsLive ? "live · " : "document · ").Append(E(Where(cluster))).Append("</p></div></div>\n");
            html.Append("<p class=\"card-checks\"><strong>").Append(cluster.PassedCount).Append("</strong> of ").Append(cluster.ChecksRun)
                .Append(" checks passed").Append(cluster.SkippedCount > 0 ? $" · {cluster.SkippedCount} not run" : "").Append("</p>\n");
            html.Append(StackedBar(cluster));
            html.Append("<ul class=\"chips\">");
            if (cluster.Passed)
            {
                html.Append("<li class=\"chip chip-pass\">No findings</li>");
            }

            foreach (var severity in SeveritiesDescending.Where(s => cluster.FindingsOf(s) > 0))
            {
                html.Append("<li class=\"chip sev-").Append(Slug(severity)).Append("\">").Append(cluster.FindingsOf(severity)).Append(' ').Append(severity).Append("</li>");
            }

            if (cluster.SuppressedCount > 0)
            {
                html.Append("<li class=\"chip chip-suppressed\">").Append(cluster.SuppressedCount).Append(" suppressed</li>");
            }

            if (cluster.ExpiredSuppressions.Count > 0)
            {
                html.Append("<li class=\"chip chip-expired\">").Append(cluster.ExpiredSuppressions.Count).Append(" expired suppression").Append(cluster.ExpiredSuppressions.Count == 1 ? "" : "s").Append("</li>");
            }

            html.Append("</ul>\n");
            if (!cluster.Passed)
            {
                html.Append("<button type=\"button\" class=\"linkish\" data-show-cluster=\"").Append(E(cluster.DisplayName)).Append("\">Show its findings ↓</button>\n");
            }

            html.Append("</article>\n");
        }

        html.Append("</div></section>\n");
    }

    private static string StackedBar(ReportCluster cluster)
    {
        // Each check that ran is a share of the bar: passed in green, failed in its most severe finding's colour.
        var verdicts = cluster.Checks.Where(c => c.State != CheckState.Skipped).ToList();
        if (verdicts.Count == 0)
        {
            return "";
        }

        var bar = new StringBuilder("<svg class=\"stack\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\">");
        var x = 0.0;
        var groups = verdicts.GroupBy(StateClass).OrderBy(g => g.Key == "pass" ? 2 : g.Key == "suppressed" ? 1 : 0).ThenByDescending(g => g.First().Severity);
        foreach (var group in groups)
        {
            var width = 100.0 * group.Count() / verdicts.Count;
            bar.Append(CultureInfo.InvariantCulture, $"<rect class=\"fill-{group.Key}\" x=\"{x:0.##}\" y=\"0\" width=\"{width:0.##}\" height=\"8\"/>");
            x += width;
        }

        return bar.Append("</svg>\n").ToString();
    }

    private static void WriteMostFrequent(StringBuilder html, SecurityReport report)
    {
        // Across a fleet, one setting missing everywhere is one decision: the checks that failed on most clusters lead.
        const int shown = 8;
        var failing = report.Checks
            .Select(check => (Check: check, Clusters: report.Clusters.Where(c => c.Checks.Any(o => o.Check == check && o.State == CheckState.Failed)).ToList()))
            .Where(x => x.Clusters.Count > 0)
            .OrderByDescending(x => x.Clusters.Count).ThenByDescending(x => x.Clusters.Max(c => c.Checks.First(o => o.Check == x.Check).Severity))
            .ThenBy(x => x.Check.Id, StringComparer.Ordinal)
            .Take(shown).ToList();
        if (failing.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"panel\"><h2>Checks that fail most often</h2><ol class=\"frequent\">\n");
        foreach (var (check, clusters) in failing)
        {
            var severity = clusters.Max(c => c.Checks.First(o => o.Check == check).Severity) ?? Severity.Informational;
            var ran = report.Clusters.Count(c => c.Checks.Any(o => o.Check == check && o.State != CheckState.Skipped));
            html.Append("<li><span class=\"pill sev-").Append(Slug(severity)).Append("\">").Append(severity).Append("</span><a class=\"check\" href=\"")
                .Append(E(check.HelpUri.AbsoluteUri)).Append("\">").Append(E(check.Id)).Append("</a><span class=\"freq-title\" title=\"")
                .Append(E(string.Join(", ", clusters.Select(c => c.DisplayName)))).Append("\">").Append(E(check.Title)).Append("</span>")
                .Append(CultureInfo.InvariantCulture, $"<svg class=\"freq-bar\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" aria-hidden=\"true\"><rect class=\"track\" x=\"0\" y=\"0\" width=\"100\" height=\"8\" rx=\"2\"/><rect class=\"fill-{Slug(severity)}\" x=\"0\" y=\"0\" width=\"{100.0 * clusters.Count / ran:0.##}\" height=\"8\" rx=\"2\"/></svg>")
                .Append("<span class=\"freq-count\">").Append(clusters.Count).Append(" of ").Append(ran).Append(ran == 1 ? " cluster" : " clusters").Append("</span></li>\n");
        }

        html.Append("</ol></section>\n");
    }

    private static void WriteFindingsTable(StringBuilder html, SecurityReport report)
    {
        var findings = report.AllFindings().ToList();
        html.Append("<section class=\"panel\" id=\"findings\"><h2>Findings</h2>\n");
        if (findings.Count == 0)
        {
            html.Append("<p class=\"all-pass\">Every check passed on every cluster.</p></section>\n");
            return;
        }

        html.Append("<div class=\"toolbar\"><input type=\"search\" id=\"filter\" placeholder=\"Filter by text: check, cluster, setting…\" aria-label=\"Filter findings\" />");
        html.Append("<div class=\"toggles\" role=\"group\" aria-label=\"Severities\">");
        foreach (var severity in SeveritiesDescending.Where(s => report.FindingsOf(s) > 0))
        {
            html.Append("<button type=\"button\" class=\"toggle sev-").Append(Slug(severity)).Append("\" aria-pressed=\"true\" data-severity=\"")
                .Append((int)severity).Append("\">").Append(severity).Append(" <b>").Append(report.FindingsOf(severity)).Append("</b></button>");
        }

        html.Append("</div><select id=\"cluster\" aria-label=\"Cluster\"><option value=\"\">All clusters</option>");
        foreach (var cluster in report.Clusters.Where(c => !c.Passed))
        {
            html.Append("<option>").Append(E(cluster.DisplayName)).Append("</option>");
        }

        html.Append("</select><button type=\"button\" class=\"expand\" id=\"expand\">Open all</button><span class=\"shown\" id=\"shown\" aria-live=\"polite\"></span></div>\n");
        html.Append("<table class=\"findings\" id=\"findings-table\"><thead><tr>");
        foreach (var (label, type) in new[] { ("Severity", "number"), ("Check", "text"), ("Finding, evidence and fix", "text"), ("Cluster", "text") })
        {
            html.Append("<th scope=\"col\"").Append(label == "Severity" ? " aria-sort=\"descending\"" : "").Append("><button type=\"button\" data-type=\"")
                .Append(type).Append("\">").Append(E(label)).Append("<span class=\"arrow\" aria-hidden=\"true\"></span></button></th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var (cluster, finding) in findings)
        {
            var check = report.Check(finding.CheckId);
            var search = string.Join(' ', finding.CheckId, finding.Severity, finding.Title, finding.Evidence, finding.Remediation, finding.JsonPath, cluster.DisplayName).ToLowerInvariant();
            html.Append("<tr data-severity=\"").Append((int)finding.Severity).Append("\" data-cluster=\"").Append(E(cluster.DisplayName))
                .Append("\" data-search=\"").Append(E(search)).Append("\">");
            html.Append("<td data-sort=\"").Append((int)finding.Severity).Append("\"><span class=\"pill sev-").Append(Slug(finding.Severity)).Append("\">")
                .Append(finding.Severity).Append("</span></td>");
            html.Append("<td data-sort=\"").Append(E(finding.CheckId)).Append("\"><a class=\"check\" href=\"").Append(E(check.HelpUri.AbsoluteUri))
                .Append("\" title=\"").Append(E(check.Title)).Append("\">").Append(E(finding.CheckId)).Append("</a></td>");
            // Critical and High findings open with their evidence and fix; the others show a one-line preview until opened.
            html.Append("<td data-sort=\"").Append(E(finding.Title)).Append("\"><details class=\"finding\"").Append(finding.Severity >= Severity.High ? " open=\"open\"" : "")
                .Append("><summary><span class=\"title\">").Append(E(finding.Title)).Append("</span><span class=\"preview\">").Append(E(finding.Evidence)).Append("</span></summary>");
            html.Append("<dl><dt>Evidence</dt><dd>").Append(E(finding.Evidence)).Append("</dd>");
            if (finding.JsonPath is not null)
            {
                html.Append("<dt>Setting</dt><dd><code>").Append(E(finding.JsonPath)).Append("</code></dd>");
            }

            html.Append("<dt>Fix</dt><dd><code class=\"fix\">").Append(E(finding.Remediation)).Append("</code></dd></dl></details></td>");
            html.Append("<td data-sort=\"").Append(E(cluster.DisplayName)).Append("\">").Append(E(cluster.DisplayName)).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n<p class=\"none\" id=\"none\" hidden=\"hidden\">No finding matches the filter.</p></section>\n");
    }

    private static void WriteSuppressed(StringBuilder html, SecurityReport report)
    {
        var suppressed = report.Clusters.SelectMany(c => c.Suppressed.Select(s => (Cluster: c, Suppressed: s))).ToList();
        var expired = report.Clusters.SelectMany(c => c.ExpiredSuppressions.Select(s => (Cluster: c, Suppression: s))).ToList();
        if (suppressed.Count == 0 && expired.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"panel\" id=\"suppressed\"><h2>Suppressed findings</h2>\n");
        if (expired.Count > 0)
        {
            html.Append("<div class=\"alert\" role=\"note\"><strong>Expired suppressions are not honoured.</strong> Renew or remove them:<ul>");
            foreach (var (cluster, suppression) in expired)
            {
                html.Append("<li><code>").Append(E(suppression.CheckId)).Append("</code> on ").Append(E(cluster.DisplayName)).Append(": ").Append(E(suppression.Reason))
                    .Append(suppression.Expires is { } at ? $" (expired {at.UtcDateTime:yyyy-MM-dd})" : "").Append(suppression.Source.Length > 0 ? $" — {E(suppression.Source)}" : "").Append("</li>");
            }

            html.Append("</ul></div>\n");
        }

        if (suppressed.Count > 0)
        {
            html.Append("<table class=\"plain\"><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Check</th><th scope=\"col\">Finding</th><th scope=\"col\">Cluster</th><th scope=\"col\">Reason</th><th scope=\"col\">Until</th></tr></thead><tbody>\n");
            foreach (var (cluster, item) in suppressed)
            {
                html.Append("<tr><td><span class=\"pill sev-").Append(Slug(item.Severity)).Append("\">").Append(item.Severity).Append("</span></td><td><a class=\"check\" href=\"")
                    .Append(E(report.Check(item.CheckId).HelpUri.AbsoluteUri)).Append("\">").Append(E(item.CheckId)).Append("</a></td><td>").Append(E(item.Title))
                    .Append("</td><td>").Append(E(cluster.DisplayName)).Append("</td><td>").Append(E(item.Reason)).Append("</td><td>")
                    .Append(item.Expires is { } until ? until.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "no end").Append("</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        html.Append("</section>\n");
    }

    private static void WriteChecksPerCluster(StringBuilder html, SecurityReport report)
    {
        // Check titles name the problem, so a passed check's title is struck through: the problem is absent.
        html.Append("<section class=\"panel\"><h2>Every check per cluster</h2>\n<p class=\"legend\"><span class=\"check-pass\"><span class=\"mark\">✓</span> passed: the problem is absent</span>")
            .Append("<span class=\"check-high\"><span class=\"mark\">✕</span> failed</span><span class=\"check-suppressed\"><span class=\"mark\">‖</span> suppressed</span>")
            .Append("<span class=\"check-skipped\"><span class=\"mark\">–</span> not run: no evidence or not applicable (hover for why)</span></p>\n");
        foreach (var cluster in report.Clusters)
        {
            html.Append("<details class=\"per-cluster\"").Append(report.Clusters.Count <= 3 ? " open=\"open\"" : "").Append("><summary><span class=\"sum-name\">").Append(E(cluster.DisplayName))
                .Append("</span><span class=\"sum-count\">").Append(cluster.PassedCount).Append(" passed · ").Append(cluster.FailedCount).Append(" failed")
                .Append(cluster.SuppressedCount > 0 ? $" · {cluster.SuppressedCount} suppressed" : "").Append(cluster.SkippedCount > 0 ? $" · {cluster.SkippedCount} not run" : "")
                .Append("</span></summary>\n<ul class=\"checks\">");
            foreach (var outcome in cluster.Checks)
            {
                var (mark, said) = outcome.State switch
                {
                    CheckState.Passed => ("✓", "passed"),
                    CheckState.Failed => ("✕", "failed"),
                    CheckState.Suppressed => ("‖", "suppressed: " + outcome.Reason),
                    _ => ("–", "not run: " + outcome.Reason),
                };
                html.Append("<li class=\"check-").Append(StateClass(outcome)).Append("\" title=\"").Append(E(outcome.State is CheckState.Passed or CheckState.Failed ? outcome.Check.Title : said))
                    .Append("\"><span class=\"mark\" aria-hidden=\"true\">").Append(mark).Append("</span><a href=\"").Append(E(outcome.Check.HelpUri.AbsoluteUri)).Append("\">").Append(E(outcome.Check.Id))
                    .Append("</a><span class=\"check-title\">").Append(outcome.Check.Title == outcome.Check.Id ? "" : E(outcome.Check.Title)).Append("</span><span class=\"visually-hidden\">")
                    .Append(E(said)).Append("</span></li>");
            }

            html.Append("</ul></details>\n");
        }

        html.Append("</section>\n");
    }

    /// <summary>A score ring: the share of checks passed as an arc, the number in the middle.</summary>
    private static string Ring(int? score, int size, string cssClass)
    {
        // r = 100 / (2π), so the circumference is 100 and the dash length is the score itself.
        var arc = score is { } value && value > 0
            ? $"<circle class=\"ring-fill fill-stroke-{Band(score)}\" cx=\"18\" cy=\"18\" r=\"15.9155\" stroke-dasharray=\"{value} 100\" transform=\"rotate(-90 18 18)\"/>"
            : "";
        return $"<svg class=\"ring {cssClass}\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 36 36\" role=\"img\" aria-label=\"Score {(score is { } s ? s + " percent" : "not available")}\">"
            + "<circle class=\"ring-track\" cx=\"18\" cy=\"18\" r=\"15.9155\"/>" + arc
            + $"<text x=\"18\" y=\"18\" class=\"ring-text\">{(score is { } t ? t.ToString(CultureInfo.InvariantCulture) : "–")}</text></svg>";
    }

    /// <summary>The CSS state of an outcome: pass, suppressed, skipped, or the severity of a failure.</summary>
    private static string StateClass(CheckOutcome outcome) => outcome.State switch
    {
        CheckState.Passed => "pass",
        CheckState.Suppressed => "suppressed",
        CheckState.Skipped => "skipped",
        _ => Slug(outcome.Findings.Max(f => f.Severity)),
    };

    private static string Band(int? score) => score switch
    {
        null => "none",
        >= 90 => "pass",
        >= 70 => "medium",
        >= 50 => "high",
        _ => "critical",
    };

    private static string Where(ReportCluster cluster)
    {
        if (cluster.IsLive)
        {
            var parts = cluster.Id.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var group = Array.FindIndex(parts, p => p.Equals("resourceGroups", StringComparison.OrdinalIgnoreCase));
            return group >= 0 && group + 1 < parts.Length ? $"resource group {parts[group + 1]}" : cluster.Id;
        }

        var location = DocumentLocation.Parse(cluster.Source);
        return Path.GetFileName(location.File) + location.Entry;
    }

    private static string Slug(Severity severity) => severity.ToString().ToLowerInvariant();

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Hash(string content) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    internal const string Style = """
:root{--bg:#f3f5f9;--panel:#fff;--ink:#1b2431;--muted:#5f6b7a;--line:#e3e8ef;--brand:#0f2a4a;--accent:#2f6fde;
--critical:#c62828;--high:#e65100;--medium:#f2a900;--low:#1e74d6;--informational:#78869a;--pass:#2e8540;--none:#b8c2cf}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;background:var(--bg);color:var(--ink);font-family:"Segoe UI",system-ui,-apple-system,"Helvetica Neue",Arial,sans-serif;line-height:1.45}
.wrap{max-width:1240px;margin:0 auto;padding:0 28px}
h1,h2,h3{margin:0;font-weight:600;letter-spacing:-.01em}
h2{font-size:1.05rem;margin-bottom:14px}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
code{font-family:"Cascadia Mono",Consolas,"DejaVu Sans Mono",Menlo,monospace;font-size:.85em;background:#f1f4f8;border:1px solid var(--line);border-radius:4px;padding:1px 5px;word-break:break-word}
.masthead{background:linear-gradient(120deg,#0b2140 0%,#143a6b 60%,#1d4f8f 100%);color:#fff;padding:26px 0 58px}
.masthead-inner{display:flex;align-items:center;justify-content:space-between;gap:24px;flex-wrap:wrap}
.brand{display:flex;align-items:center;gap:16px}
.brand h1{font-size:1.75rem}
.shield{width:44px;height:44px;fill:#2f6fde;stroke:#9cc2ff;stroke-width:1}
.shield .tick{fill:none;stroke:#fff;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.meta{margin:4px 0 0;color:#c8d6ea;font-size:.92rem}
.overall{display:flex;align-items:center;gap:14px;background:rgba(255,255,255,.08);border:1px solid rgba(255,255,255,.16);border-radius:14px;padding:10px 18px 10px 12px}
.overall strong{display:block;font-size:1rem}
.overall span{color:#c8d6ea;font-size:.88rem}
.overall .ring-track{stroke:rgba(255,255,255,.18)}
.overall .ring-text{fill:#fff}
main{margin-top:-38px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin-bottom:18px}
.kpi{background:var(--panel);border-radius:12px;padding:14px 16px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 12px rgba(16,24,40,.06);border-top:4px solid var(--none);display:flex;flex-direction:column}
.kpi-value{font-size:1.9rem;font-weight:650;line-height:1.1}
.kpi-label{font-weight:600;margin-top:2px}
.kpi-note{color:var(--muted);font-size:.82rem}
.kpi-neutral{border-top-color:var(--brand)}
.kpi-pass{border-top-color:var(--pass)}
.kpi-zero{border-top-color:var(--line)}
.kpi-zero .kpi-value{color:#9aa5b4}
.kpi.sev-critical{border-top-color:var(--critical)}.kpi.sev-critical .kpi-value{color:var(--critical)}
.kpi.sev-high{border-top-color:var(--high)}.kpi.sev-high .kpi-value{color:var(--high)}
.kpi.sev-medium{border-top-color:var(--medium)}.kpi.sev-medium .kpi-value{color:#a06f00}
.kpi.sev-low{border-top-color:var(--low)}.kpi.sev-low .kpi-value{color:var(--low)}
.panel{background:var(--panel);border-radius:12px;padding:18px 20px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 12px rgba(16,24,40,.06);margin-bottom:18px}
.duo{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:18px}
.chart{width:100%;height:auto;display:block}
.chart .axis{font-size:13px;fill:var(--ink);font-weight:600}
.chart .count{font-size:14px;fill:var(--ink);font-weight:650}
.track{fill:#eef1f6}
.fill-critical{fill:var(--critical)}.fill-high{fill:var(--high)}.fill-medium{fill:var(--medium)}.fill-low{fill:var(--low)}.fill-informational{fill:var(--informational)}.fill-pass{fill:var(--pass)}.fill-none{fill:var(--none)}
.note{color:var(--muted);font-size:.82rem;margin:8px 0 0}
.section-title{margin:6px 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:14px;margin-bottom:18px}
.card{background:var(--panel);border-radius:12px;padding:16px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 4px 12px rgba(16,24,40,.06);border-left:5px solid var(--critical);display:flex;flex-direction:column;gap:10px}
.card-pass{border-left-color:var(--pass)}
.card-head{display:flex;align-items:center;gap:12px;min-width:0}
.card-title{min-width:0}
.card h3{font-size:1.08rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.where{margin:2px 0 0;color:var(--muted);font-size:.82rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card-checks{margin:0;font-size:.9rem;color:var(--muted)}
.card-checks strong{color:var(--ink)}
.stack{width:100%;height:8px;border-radius:4px;display:block;background:#eef1f6}
.ring{flex:none}
.ring-track{fill:none;stroke:#e7ebf1;stroke-width:3.4}
.ring-fill{fill:none;stroke-width:3.4;stroke-linecap:round}
.fill-stroke-pass{stroke:var(--pass)}.fill-stroke-medium{stroke:var(--medium)}.fill-stroke-high{stroke:var(--high)}.fill-stroke-critical{stroke:var(--critical)}
.ring-text{font-size:10px;font-weight:700;fill:var(--ink);text-anchor:middle;dominant-baseline:central}
.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
.chip{font-size:.78rem;font-weight:600;border-radius:999px;padding:2px 10px;color:#fff}
.chip-pass{background:#e4f3e7;color:var(--pass)}
.chip-suppressed{background:#e8ebf0;color:#4b5563}
.chip-expired{background:#fff4e5;color:#8a4b00;border:1px solid #f5c27a}
.fill-suppressed{fill:#a7b0bd}
.alert{background:#fff8eb;border:1px solid #f5c27a;border-radius:8px;padding:10px 14px;margin-bottom:12px;font-size:.9rem}
.alert ul{margin:6px 0 0;padding-left:20px}
table.plain{width:100%;border-collapse:collapse;font-size:.9rem}
table.plain th{text-align:left;color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;border-bottom:2px solid var(--line);padding:6px 8px}
table.plain td{border-bottom:1px solid var(--line);padding:8px;vertical-align:top}
.sev-critical.chip,.pill.sev-critical{background:var(--critical)}
.sev-high.chip,.pill.sev-high{background:var(--high)}
.sev-medium.chip,.pill.sev-medium{background:var(--medium);color:#3d2b00}
.sev-low.chip,.pill.sev-low{background:var(--low)}
.sev-informational.chip,.pill.sev-informational{background:var(--informational)}
.linkish{align-self:flex-start;background:none;border:0;padding:0;color:var(--accent);font:inherit;font-size:.88rem;cursor:pointer}
.linkish:hover{text-decoration:underline}
.toolbar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:12px}
.toolbar input,.toolbar select{font:inherit;font-size:.9rem;border:1px solid #cfd6e0;border-radius:8px;padding:7px 10px;background:#fff;color:var(--ink)}
.toolbar input{flex:1 1 260px}
.toggles{display:flex;flex-wrap:wrap;gap:6px}
.toggle{font:inherit;font-size:.82rem;border-radius:999px;border:1.5px solid currentColor;background:#fff;padding:4px 12px;cursor:pointer;font-weight:600}
.toggle b{font-weight:700;margin-left:2px}
.toggle.sev-critical{color:var(--critical)}.toggle.sev-high{color:var(--high)}.toggle.sev-medium{color:#a06f00}.toggle.sev-low{color:var(--low)}.toggle.sev-informational{color:var(--informational)}
.toggle[aria-pressed="true"].sev-critical{background:var(--critical);color:#fff;border-color:var(--critical)}
.toggle[aria-pressed="true"].sev-high{background:var(--high);color:#fff;border-color:var(--high)}
.toggle[aria-pressed="true"].sev-medium{background:var(--medium);color:#3d2b00;border-color:var(--medium)}
.toggle[aria-pressed="true"].sev-low{background:var(--low);color:#fff;border-color:var(--low)}
.toggle[aria-pressed="true"].sev-informational{background:var(--informational);color:#fff;border-color:var(--informational)}
.shown{color:var(--muted);font-size:.85rem;margin-left:auto}
.expand{font:inherit;font-size:.85rem;border:1px solid #cfd6e0;border-radius:8px;background:#fff;color:var(--ink);padding:6px 12px;cursor:pointer}
.expand:hover{background:#f3f6fa}
ol.frequent{list-style:none;margin:0;padding:0;display:grid;gap:8px}
ol.frequent li{display:grid;grid-template-columns:84px 112px minmax(0,1fr) 180px 110px;align-items:center;gap:10px;font-size:.9rem}
ol.frequent .pill{justify-self:start}
.freq-title{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-weight:500}
.freq-bar{width:100%;height:8px;display:block}
.freq-count{color:var(--muted);font-size:.85rem;text-align:right}
table.findings{width:100%;border-collapse:collapse;font-size:.92rem}
.findings th{text-align:left;border-bottom:2px solid var(--line);padding:0}
.findings th button{font:inherit;font-weight:600;font-size:.82rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:none;border:0;padding:8px 10px;cursor:pointer;width:100%;text-align:left}
.findings th button:hover{color:var(--ink)}
.arrow::after{content:"";margin-left:6px}
th[aria-sort="ascending"] .arrow::after{content:"▲"}
th[aria-sort="descending"] .arrow::after{content:"▼"}
.findings td{border-bottom:1px solid var(--line);padding:10px 10px;vertical-align:top}
.findings tbody tr:hover{background:#f8fafd}
.findings td:first-child{width:110px}
.findings td:nth-child(2){width:120px;white-space:nowrap}
.findings td:last-child{width:170px;font-weight:600}
.pill{display:inline-block;font-size:.76rem;font-weight:700;color:#fff;border-radius:6px;padding:2px 8px;letter-spacing:.02em}
.check{font-family:"Cascadia Mono",Consolas,"DejaVu Sans Mono",Menlo,monospace;font-size:.86rem;font-weight:600}
details.finding summary{display:block;cursor:pointer;list-style:none}
details.finding summary::-webkit-details-marker{display:none}
details.finding .title{font-weight:600;display:block}
details.finding .title::before{content:"▸";display:inline-block;width:1em;color:var(--muted);transition:transform .15s}
details.finding[open] .title::before{transform:rotate(90deg)}
.preview{display:block;color:var(--muted);font-size:.86rem;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:640px;padding-left:1em}
details.finding[open] .preview{display:none}
.findings dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 12px;margin:6px 0 2px 1em;font-size:.88rem}
.findings dt{color:var(--muted);font-weight:600}
.findings dd{margin:0;min-width:0}
code.fix{display:inline-block;background:#eef5ff;border-color:#cfe0fb;color:#0d3a7a}
.none,.all-pass{color:var(--muted)}
.all-pass{color:var(--pass);font-weight:600}
details.per-cluster{border-top:1px solid var(--line);padding:8px 0}
details.per-cluster:first-of-type{border-top:0}
details.per-cluster summary{cursor:pointer;display:flex;gap:12px;align-items:baseline;font-weight:600;list-style:none}
details.per-cluster summary::before{content:"▸";color:var(--muted);transition:transform .15s}
details.per-cluster[open] summary::before{transform:rotate(90deg)}
details.per-cluster summary::-webkit-details-marker{display:none}
.sum-count{color:var(--muted);font-weight:400;font-size:.88rem}
ul.checks{list-style:none;margin:10px 0 4px;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:6px 14px}
ul.checks li{display:flex;gap:8px;align-items:baseline;font-size:.88rem;min-width:0}
ul.checks a{font-family:"Cascadia Mono",Consolas,"DejaVu Sans Mono",Menlo,monospace;font-size:.84rem;font-weight:600;flex:none}
.check-title{color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.check-pass .check-title{text-decoration:line-through;text-decoration-color:#9fb4a4;color:#7b8794}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:-4px 0 10px;font-size:.82rem;color:var(--muted)}
.legend>span{display:inline-flex;gap:6px;align-items:center}
.mark{flex:none;width:18px;height:18px;border-radius:50%;display:inline-flex;align-items:center;justify-content:center;font-size:.7rem;font-weight:700;color:#fff;background:var(--pass);align-self:center}
.check-suppressed .mark{background:#a7b0bd}.check-skipped .mark{background:#fff;color:#8a94a3;border:1.5px dashed #a7b0bd}.check-skipped a,.check-skipped .check-title{color:#8a94a3}
.check-critical .mark{background:var(--critical)}.check-high .mark{background:var(--high)}.check-medium .mark{background:var(--medium)}.check-low .mark{background:var(--low)}.check-informational .mark{background:var(--informational)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
footer{color:var(--muted);font-size:.82rem;padding:10px 28px 36px}
@media print{.masthead{background:#0b2140;-webkit-print-color-adjust:exact;print-color-adjust:exact}.toolbar,.linkish{display:none}}
""";

    internal const string Script = """
(function(){
  var table=document.getElementById('findings-table');
  if(!table){return;}
  var body=table.tBodies[0], rows=Array.prototype.slice.call(body.rows);
  var filter=document.getElementById('filter'), cluster=document.getElementById('cluster');
  var shown=document.getElementById('shown'), none=document.getElementById('none');
  var toggles=Array.prototype.slice.call(document.querySelectorAll('.toggle'));
  function visible(r,on,which,text){
    if(on.indexOf(r.dataset.severity)===-1){return false;}
    if(which){if(r.dataset.cluster!==which){return false;}}
    if(text){if(r.dataset.search.indexOf(text)===-1){return false;}}
    return true;
  }
  function apply(){
    var text=filter.value.trim().toLowerCase(), which=cluster.value, count=0;
    var on=toggles.filter(function(t){return t.getAttribute('aria-pressed')==='true';}).map(function(t){return t.dataset.severity;});
    rows.forEach(function(r){var ok=visible(r,on,which,text);r.hidden=!ok;if(ok){count++;}});
    shown.textContent='Showing '+count+' of '+rows.length;
    none.hidden=count!==0;
  }
  toggles.forEach(function(t){t.addEventListener('click',function(){t.setAttribute('aria-pressed',t.getAttribute('aria-pressed')==='true'?'false':'true');apply();});});
  var expand=document.getElementById('expand');
  expand.addEventListener('click',function(){
    var open=expand.textContent==='Open all';
    Array.prototype.forEach.call(body.querySelectorAll('details'),function(d){d.open=open;});
    expand.textContent=open?'Close all':'Open all';
  });
  window.addEventListener('beforeprint',function(){Array.prototype.forEach.call(document.querySelectorAll('details'),function(d){d.open=true;});});
  filter.addEventListener('input',apply);
  cluster.addEventListener('change',apply);
  Array.prototype.forEach.call(document.querySelectorAll('[data-show-cluster]'),function(b){
    b.addEventListener('click',function(){cluster.value=b.dataset.showCluster;apply();document.getElementById('findings').scrollIntoView({behavior:'smooth'});});
  });
  var heads=Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function(th,i){
    th.querySelector('button').addEventListener('click',function(){
      var numeric=this.dataset.type==='number', dir=th.getAttribute('aria-sort')==='descending'?'ascending':'descending';
      heads.forEach(function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir);
      var sign=dir==='ascending'?1:-1;
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.sort, y=b.cells[i].dataset.sort;
        var c=numeric?(Number(x)-Number(y)):x.localeCompare(y,undefined,{numeric:true,sensitivity:'base'});
        return c*sign;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  apply();
})();
""";
}
