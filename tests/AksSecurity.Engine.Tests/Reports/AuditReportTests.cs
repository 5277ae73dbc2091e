using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Reports;

/// <summary>Reports of Test-AksSecurity results: scores, suppressed findings, expired suppressions and checks that gave no verdict.</summary>
public class AuditReportTests
{
    private static readonly Suppression RunCommand = new()
    {
        CheckId = "AKS-API-005", Cluster = "dev-*", Reason = "Break-glass access until the bastion is ready", Expires = ReportFixtures.Generated.AddDays(30), Source = "suppressions.json[0]",
    };

    private static readonly Suppression Expired = new()
    {
        CheckId = "AKS-AAD-004", Cluster = "prod-*", Reason = "Migration to Entra ID", Expires = ReportFixtures.Generated.AddDays(-1), Source = "suppressions.json[1]",
    };

    private static SecurityReport AuditReport() =>
        SecurityReport.Create(Array.Empty<ClusterTestResult>(), ReportFixtures.AuditResults(RunCommand, Expired), ReportFixtures.Options());

    [Fact]
    public void Each_cluster_has_the_audits_score_and_outcome_of_every_selected_check()
    {
        var audits = ReportFixtures.AuditResults(RunCommand, Expired);
        var report = SecurityReport.Create(Array.Empty<ClusterTestResult>(), audits, ReportFixtures.Options());

        foreach (var audit in audits)
        {
            var cluster = report.Clusters.Single(c => c.Source == audit.Source);
            Assert.Equal(audit.Score, cluster.Score);
            Assert.Equal(audit.ChecksRun.Count, cluster.ChecksRun);
            Assert.Equal(audit.Skipped.Count, cluster.SkippedCount);
            Assert.Equal((audit.PassedChecks, audit.FailedChecks, audit.SuppressedChecks), (cluster.PassedCount, cluster.FailedCount, cluster.SuppressedCount));
        }

        var dev = report.Clusters.Single(c => c.Name == "dev-open");
        var runCommand = dev.Checks.Single(c => c.Check.Id == "AKS-API-005");
        Assert.Equal((CheckState.Suppressed, RunCommand.Reason, RunCommand.Expires), (runCommand.State, runCommand.Reason, runCommand.Expires));
        Assert.DoesNotContain(dev.Findings, f => f.CheckId == "AKS-API-005");
        Assert.Contains(dev.Checks, c => c.State == CheckState.Skipped && c.Reason!.Length > 0);
        Assert.Equal(Expired, Assert.Single(report.Clusters.Single(c => c.Name == "prod-private").ExpiredSuppressions));
    }

    [Fact]
    public void Results_of_Test_cmdlets_and_of_the_audit_for_one_cluster_are_one_cluster()
    {
        var audits = ReportFixtures.AuditResults();
        var tests = ReportFixtures.OfflineResults();
        var report = SecurityReport.Create(tests, audits, ReportFixtures.Options());

        Assert.Equal(audits.Count, report.Clusters.Count);
        var dev = report.Clusters.Single(c => c.Name == "dev-open");
        Assert.Equal(dev.Findings.Count, dev.Findings.Select(f => (f.CheckId, f.Evidence)).Distinct().Count());
    }

    [Fact]
    public void Sarif_marks_suppressed_results_as_accepted_and_warns_of_expired_suppressions()
    {
        var sarif = ReportWriters.Render(AuditReport(), ReportFormat.Sarif);
        Assert.Empty(ReportFixtures.SarifSchemaErrors(sarif));
        var run = JsonNode.Parse(sarif)!["runs"]![0]!;

        var suppressed = run["results"]!.AsArray().Single(r => (string)r!["ruleId"]! == "AKS-API-005" && (string)r["properties"]!["clusterName"]! == "dev-open")!;
        var suppression = suppressed["suppressions"]![0]!;
        Assert.Equal(("external", "accepted", RunCommand.Reason), ((string)suppression["kind"]!, (string)suppression["status"]!, (string)suppression["justification"]!));
        Assert.Null(run["results"]!.AsArray().First(r => (string)r!["ruleId"]! == "AKS-API-005" && (string)r["properties"]!["clusterName"]! == "prod-private")!["suppressions"]);

        var notes = run["invocations"]![0]!["toolConfigurationNotifications"]!.AsArray();
        Assert.Contains(notes, n => ((string)n!["message"]!["text"]!).StartsWith("prod-private: the suppression of AKS-AAD-004 (Migration to Entra ID) expired", StringComparison.Ordinal));
    }

    [Fact]
    public void NUnit_and_JUnit_report_suppressed_and_unrun_checks_as_skipped_with_the_reason()
    {
        var report = AuditReport();
        var nunit = ReportWriters.Render(report, ReportFormat.NUnit);
        var junit = ReportWriters.Render(report, ReportFormat.JUnit);
        Assert.Empty(ReportFixtures.XmlSchemaErrors(nunit, "TestResult.xsd"));
        Assert.Empty(ReportFixtures.XmlSchemaErrors(junit, "JUnit.xsd"));
        // The Jenkins schema's skipped element takes no attributes; its message attribute is what Azure DevOps shows.
        Assert.All(ReportFixtures.XmlSchemaErrors(junit, "jenkins-junit.xsd"), e => Assert.Contains("'message' attribute is not declared", e));

        var dev = report.Clusters.Single(c => c.Name == "dev-open");
        var suite = XDocument.Parse(nunit).Root!.Elements("test-suite").Single(s => (string?)s.Attribute("name") == "dev-open");
        Assert.Equal(dev.Checks.Count, suite.Elements("test-case").Count());
        Assert.Equal(dev.SuppressedCount + dev.SkippedCount, (int)suite.Attribute("skipped")!);
        var suppressed = suite.Elements("test-case").Single(c => (string?)c.Attribute("methodname") == "AKS-API-005");
        Assert.Equal(("Skipped", "Suppressed"), ((string?)suppressed.Attribute("result"), (string?)suppressed.Attribute("label")));
        Assert.StartsWith($"Suppressed: {RunCommand.Reason} (until 2026-06-03 09:30 UTC)", suppressed.Element("reason")!.Element("message")!.Value);
        var notRun = suite.Elements("test-case").First(c => (string?)c.Attribute("label") == "NotRun");
        Assert.Equal("Skipped", (string?)notRun.Attribute("runstate"));
        Assert.StartsWith("Not run: ", notRun.Element("reason")!.Element("message")!.Value);

        var junitSuite = XDocument.Parse(junit).Root!.Elements("testsuite").Single(s => (string?)s.Attribute("name") == "dev-open");
        Assert.Equal(dev.SuppressedCount + dev.SkippedCount, junitSuite.Descendants("skipped").Count());
        Assert.Contains(junitSuite.Descendants("skipped"), s => ((string?)s.Attribute("message"))!.StartsWith("Suppressed: Break-glass", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_lists_suppressed_findings_expired_suppressions_and_every_check_state()
    {
        var json = JsonNode.Parse(ReportWriters.Render(AuditReport(), ReportFormat.Json))!;
        var dev = json["clusters"]!.AsArray().Single(c => (string)c!["clusterName"]! == "dev-open")!;

        var suppressed = dev["suppressed"]!.AsArray().Single()!;
        Assert.Equal(("AKS-API-005", RunCommand.Reason, "2026-06-03T09:30:00Z"), ((string)suppressed["checkId"]!, (string)suppressed["reason"]!, (string)suppressed["expires"]!));
        Assert.Equal(new[] { "Failed", "Passed", "Skipped", "Suppressed" }, dev["checks"]!.AsArray().Select(c => (string)c!["result"]!).Distinct().Order());
        Assert.All(dev["checks"]!.AsArray().Where(c => (string)c!["result"]! is "Skipped" or "Suppressed"), c => Assert.NotNull((string?)c!["reason"]));
        Assert.Equal(1, (int)json["summary"]!["checksSuppressed"]!);

        var expired = json["clusters"]!.AsArray().Single(c => (string)c!["clusterName"]! == "prod-private")!["expiredSuppressions"]!.AsArray().Single()!;
        Assert.Equal(("AKS-AAD-004", "prod-*", "suppressions.json[1]"), ((string)expired["checkId"]!, (string)expired["cluster"]!, (string)expired["source"]!));
    }

    [Fact]
    public void Markdown_and_html_show_suppressions_and_what_did_not_run()
    {
        var report = AuditReport();
        var md = ReportWriters.Render(report, ReportFormat.Markdown);
        Assert.Contains("⏸️ Suppressed: [AKS-API-005](https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#aks-api-005) — Break-glass access until the bastion is ready (until 2026-06-03)", md);
        Assert.Contains("⚠️ Expired suppression, not honoured: AKS-AAD-004 — Migration to Entra ID (expired 2026-05-03)", md);
        Assert.Matches(@"➖ Not run \(\d+\): AKS-", md);

        var html = ReportWriters.Render(report, ReportFormat.Html);
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        var page = XDocument.Load(reader);
        var panel = page.Descendants("section").Single(s => (string?)s.Attribute("id") == "suppressed");
        Assert.Contains("Expired suppressions are not honoured.", panel.Value);
        Assert.Contains(RunCommand.Reason, panel.Descendants("tbody").Single().Value);
        Assert.Contains(page.Descendants("li"), li => (string?)li.Attribute("class") == "check-skipped");
        Assert.Contains(page.Descendants("li"), li => (string?)li.Attribute("class") == "check-suppressed" && ((string?)li.Attribute("title"))!.Contains(RunCommand.Reason));
    }
}
