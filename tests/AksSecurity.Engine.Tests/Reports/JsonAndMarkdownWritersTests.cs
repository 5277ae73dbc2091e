using System.Text.Json.Nodes;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;
using static AksSecurity.Engine.Tests.Reports.SecurityReportTests;

namespace AksSecurity.Engine.Tests.Reports;

public class JsonAndMarkdownWritersTests
{
    private const string Id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod";

    [Fact]
    public void Json_has_the_documented_shape()
    {
        var report = ReportFixtures.OfflineReport();
        var json = JsonNode.Parse(ReportWriters.Render(report, ReportFormat.Json))!.AsObject();

        Assert.Equal(new[] { "schemaVersion", "title", "generatedAt", "tool", "summary", "clusters", "checks" }, json.Select(p => p.Key));
        Assert.Equal(1, (int)json["schemaVersion"]!);
        Assert.Equal("2026-05-04T09:30:00.000Z", (string)json["generatedAt"]!);
        Assert.Equal(new[] { "clusters", "clustersPassed", "checksRun", "checksPassed", "checksFailed", "checksSuppressed", "checksSkipped", "findings", "findingsBySeverity" },
            json["summary"]!.AsObject().Select(p => p.Key));
        Assert.Equal(report.FindingCount, (int)json["summary"]!["findings"]!);
        Assert.Equal(new[] { "Critical", "High", "Medium", "Low", "Informational" }, json["summary"]!["findingsBySeverity"]!.AsObject().Select(p => p.Key));

        var cluster = json["clusters"]!.AsArray().Single(c => (string)c!["clusterName"]! == "test-wide")!.AsObject();
        Assert.Equal(new[] { "clusterId", "clusterName", "displayName", "source", "live", "passed", "score", "highestSeverity", "checksRun", "checksPassed",
            "checksFailed", "checksSuppressed", "checksSkipped", "findingsBySeverity", "checks", "findings", "suppressed", "expiredSuppressions" }, cluster.Select(p => p.Key));
        Assert.Equal("Critical", (string)cluster["highestSeverity"]!);
        Assert.False((bool)cluster["live"]!);
        var finding = cluster["findings"]![0]!.AsObject();
        Assert.Equal(new[] { "checkId", "severity", "title", "evidence", "remediation", "jsonPath" }, finding.Select(p => p.Key));
        Assert.Equal(("AKS-API-002", "Critical"), ((string)finding["checkId"]!, (string)finding["severity"]!));
        Assert.Equal("Failed", (string)cluster["checks"]!.AsArray().Single(c => (string)c!["checkId"]! == "AKS-API-002")!["result"]!);
        Assert.Equal(report.Checks.Count, json["checks"]!.AsArray().Count);
        Assert.Equal(new[] { "id", "title", "severity", "category", "rationale", "remediation", "fixedBy", "helpUri" }, json["checks"]![0]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Json_writes_absent_values_as_null()
    {
        var finding = new Finding("AKS-API-005", Severity.Medium, "t", "e", "r");
        var json = JsonNode.Parse(ReportWriters.Render(ReportFixtures.Report(new[] { Result(Id, Id, Array.Empty<string>(), finding) }), ReportFormat.Json))!;
        Assert.Null(json["clusters"]![0]!["findings"]![0]!["jsonPath"]);
        Assert.True(json["clusters"]![0]!["findings"]![0]!.AsObject().ContainsKey("jsonPath"));

        var empty = JsonNode.Parse(ReportWriters.Render(ReportFixtures.Report(new[] { Result(Id, Id, Array.Empty<string>()) }), ReportFormat.Json))!;
        Assert.True(empty["clusters"]![0]!.AsObject().ContainsKey("score"));
        Assert.Null(empty["clusters"]![0]!["score"]);
    }

    [Fact]
    public void Markdown_has_totals_findings_by_severity_and_a_table_per_cluster()
    {
        var report = ReportFixtures.OfflineReport();
        var md = ReportWriters.Render(report, ReportFormat.Markdown);

        Assert.StartsWith("# AKS security report\n\nGenerated 2026-05-04 09:30 UTC by AksSecurity 0.1.0.", md);
        Assert.Contains($"**5 cluster(s)**, {report.ChecksRun} checks run: **{report.ChecksPassed} passed**, **{report.ChecksFailed} failed** — {report.FindingCount} finding(s): 🔴 1 Critical", md);
        Assert.Contains("\n## Clusters\n", md);
        Assert.Contains("\n### 🔴 Critical (1)\n", md);
        Assert.True(md.IndexOf("### 🔴 Critical", StringComparison.Ordinal) < md.IndexOf("### 🟠 High", StringComparison.Ordinal));
        foreach (var cluster in report.Clusters)
        {
            Assert.Contains($"\n## {cluster.DisplayName}\n", md);
        }

        Assert.Contains("| test-wide | [AKS-API-002](https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#aks-api-002) | Authorized IP ranges allow the whole internet |", md);
        Assert.Contains("| [AKS-API-002](https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#aks-api-002) | 🔴 Critical | Authorized IP ranges allow the whole internet |", md);
        var restricted = report.Clusters.Single(c => c.Name == "prod-restricted");
        Assert.Contains($"✅ Passed ({restricted.PassedCount}): {string.Join(", ", restricted.Checks.Where(c => c.Passed).Select(c => c.Check.Id))}\n", md);
        // Every table row has as many cells as its header.
        foreach (var table in md.Split("\n\n").Where(b => b.StartsWith('|')))
        {
            var rows = table.Split('\n');
            var cells = Cells(rows[0]);
            Assert.All(rows, row => Assert.Equal(cells, Cells(row)));
        }
    }

    [Fact]
    public void Markdown_escapes_what_a_document_could_inject()
    {
        var finding = new Finding("AKS-API-003", Severity.Medium, "Range | wide", "a|b\nsecond line <img src=x onerror=alert(1)> **bold** [link](http://x)", "Set-X -Y 'a|b'");
        var md = ReportWriters.Render(ReportFixtures.Report(new[] { Result(Id, Id, new[] { "AKS-API-003" }, finding) }), ReportFormat.Markdown);

        Assert.Contains(@"a\|b<br>second line &lt;img src=x onerror=alert(1)&gt; \*\*bold\*\* \[link\](http://x)", md);
        Assert.Contains(@"`Set-X -Y 'a\|b'`", md);
        Assert.DoesNotContain("<img", md);
        var row = md.Split('\n').Single(l => l.Contains("second line"));
        Assert.Equal(5, Cells(row));
    }

    [Fact]
    public void Markdown_of_no_results_says_so()
    {
        var md = ReportWriters.Render(ReportFixtures.Report(Array.Empty<ClusterTestResult>()), ReportFormat.Markdown);
        Assert.Contains("No results were given to the report.", md);
    }

    // Cells of a table row: unescaped pipes, less the outer two.
    private static int Cells(string row) => System.Text.RegularExpressions.Regex.Matches(row, @"(?<!\\)\|").Count - 1;
}
