using System.Xml.Linq;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;
using static AksSecurity.Engine.Tests.Reports.SecurityReportTests;

namespace AksSecurity.Engine.Tests.Reports;

public class TestResultWritersTests
{
    private const string Id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod";

    [Fact]
    public void NUnit_report_is_valid_against_TestResult_xsd()
    {
        var xml = ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.NUnit);
        Assert.Empty(ReportFixtures.XmlSchemaErrors(xml, "TestResult.xsd"));
    }

    [Fact]
    public void NUnit_schema_validation_catches_a_broken_report()
    {
        var xml = XDocument.Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.NUnit));
        xml.Descendants("test-case").First().Attribute("seed")!.Remove();
        Assert.NotEmpty(ReportFixtures.XmlSchemaErrors(xml.ToString(), "TestResult.xsd"));
    }

    [Fact]
    public void NUnit_has_an_assembly_suite_per_cluster_and_a_test_case_per_check_that_ran()
    {
        var report = ReportFixtures.OfflineReport();
        var run = XDocument.Parse(ReportWriters.Render(report, ReportFormat.NUnit)).Root!;

        // Azure DevOps reads test cases under test-suite[@type='Assembly'] only, and only when test-run has a start-time.
        Assert.Equal("2026-05-04 09:30:00Z", (string?)run.Attribute("start-time"));
        var suites = run.Elements("test-suite").ToList();
        Assert.All(suites, s => Assert.Equal("Assembly", (string?)s.Attribute("type")));
        Assert.Equal(report.Clusters.Select(c => c.DisplayName), suites.Select(s => (string?)s.Attribute("name")));
        Assert.Equal(report.ChecksRun, run.Descendants("test-case").Count());
        Assert.Equal(report.ChecksFailed, (int)run.Attribute("failed")!);
        Assert.Equal(report.ChecksPassed, run.Descendants("test-case").Count(c => (string?)c.Attribute("result") == "Passed"));
        Assert.Equal("Failed", (string?)run.Attribute("result"));

        var cluster = report.Clusters.Single(c => c.Name == "test-wide");
        var suite = suites.Single(s => (string?)s.Attribute("name") == "test-wide");
        Assert.Equal(cluster.Checks.Count, suite.Elements("test-case").Count());
        Assert.Equal(cluster.FailedCount, (int)suite.Attribute("failed")!);
    }

    [Fact]
    public void NUnit_failures_carry_evidence_and_remediation_in_the_message()
    {
        var run = XDocument.Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.NUnit)).Root!;
        var open = run.Descendants("test-case").Single(c => (string?)c.Attribute("fullname") == "test-wide.AKS-API-002");

        Assert.Equal("Failed", (string?)open.Attribute("result"));
        Assert.StartsWith("AKS-API-002 ", (string?)open.Attribute("name"));
        var message = open.Element("failure")!.Element("message")!.Value;
        Assert.Contains("Critical: Authorized IP ranges allow the whole internet", message);
        Assert.Contains("Evidence: properties.apiServerAccessProfile.authorizedIPRanges contains 0.0.0.0/0.", message);
        Assert.Contains("Fix: Set-AksApiAccess", message);
        Assert.Equal("Critical", open.Element("properties")!.Elements("property").Single(p => (string?)p.Attribute("name") == "Severity").Attribute("value")!.Value);
    }

    [Fact]
    public void JUnit_report_is_valid_against_the_Ant_and_Jenkins_schemas()
    {
        var xml = ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.JUnit);
        Assert.Empty(ReportFixtures.XmlSchemaErrors(xml, "JUnit.xsd"));
        Assert.Empty(ReportFixtures.XmlSchemaErrors(xml, "jenkins-junit.xsd"));
    }

    [Fact]
    public void JUnit_schema_validation_catches_a_broken_report()
    {
        var xml = XDocument.Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.JUnit));
        xml.Descendants("system-err").First().Remove();
        Assert.NotEmpty(ReportFixtures.XmlSchemaErrors(xml.ToString(), "JUnit.xsd"));
    }

    [Fact]
    public void JUnit_has_a_suite_per_cluster_and_a_failure_with_evidence_and_fix()
    {
        var report = ReportFixtures.OfflineReport();
        var root = XDocument.Parse(ReportWriters.Render(report, ReportFormat.JUnit)).Root!;
        var suites = root.Elements("testsuite").ToList();

        Assert.Equal(Enumerable.Range(0, report.Clusters.Count).Select(i => i.ToString()), suites.Select(s => (string?)s.Attribute("id")));
        Assert.Equal(report.ChecksRun, root.Descendants("testcase").Count());
        Assert.Equal(report.ChecksFailed, suites.Sum(s => (int)s.Attribute("failures")!));
        Assert.Equal("2026-05-04T09:30:00", (string?)suites[0].Attribute("timestamp"));

        var open = root.Descendants("testcase").Single(c => (string?)c.Attribute("classname") == "test-wide" && ((string?)c.Attribute("name"))!.StartsWith("AKS-API-002 "));
        var failure = open.Element("failure")!;
        Assert.Equal("Critical", (string?)failure.Attribute("type"));
        Assert.Contains("Evidence: properties.apiServerAccessProfile.authorizedIPRanges contains 0.0.0.0/0.", (string?)failure.Attribute("message"));
        Assert.Contains("Fix: Set-AksApiAccess", failure.Value);
        Assert.Null(root.Descendants("testcase").First(c => c.Element("failure") is null).Element("skipped"));
    }

    [Fact]
    public void A_check_that_failed_twice_is_one_test_case_listing_both_findings()
    {
        var result = Result(Id, Id, new[] { "AKS-API-003", "AKS-API-005" }, Finding("AKS-API-003", Severity.Medium, "10.0.0.0/8 is wide"), Finding("AKS-API-003", Severity.Medium, "172.16.0.0/12 is wide"));
        var report = ReportFixtures.Report(new[] { result });

        var junit = XDocument.Parse(ReportWriters.Render(report, ReportFormat.JUnit));
        var failure = Assert.Single(junit.Descendants("failure"));
        Assert.Contains("10.0.0.0/8 is wide", failure.Value);
        Assert.Contains("172.16.0.0/12 is wide", failure.Value);
        Assert.Equal(2, junit.Descendants("testcase").Count());

        var nunit = XDocument.Parse(ReportWriters.Render(report, ReportFormat.NUnit));
        Assert.Equal(2, nunit.Descendants("test-case").Count());
        Assert.Contains("172.16.0.0/12 is wide", Assert.Single(nunit.Descendants("test-case").Elements("failure")).Value);
    }

    [Fact]
    public void Control_characters_and_markup_in_evidence_still_make_valid_xml()
    {
        var result = Result(Id, Id, new[] { "AKS-API-003" }, Finding("AKS-API-003", Severity.Medium, "bad \u0001 value ]]> <x> & \"q\""));
        var report = ReportFixtures.Report(new[] { result });

        var nunit = ReportWriters.Render(report, ReportFormat.NUnit);
        var junit = ReportWriters.Render(report, ReportFormat.JUnit);
        Assert.Empty(ReportFixtures.XmlSchemaErrors(nunit, "TestResult.xsd"));
        Assert.Empty(ReportFixtures.XmlSchemaErrors(junit, "JUnit.xsd"));
        Assert.Contains("bad \uFFFD value ]]> <x> & \"q\"", XDocument.Parse(junit).Descendants("failure").Single().Value);
    }

    [Fact]
    public void Empty_reports_are_valid()
    {
        var report = ReportFixtures.Report(Array.Empty<ClusterTestResult>());
        Assert.Empty(ReportFixtures.XmlSchemaErrors(ReportWriters.Render(report, ReportFormat.NUnit), "TestResult.xsd"));
        Assert.Empty(ReportFixtures.XmlSchemaErrors(ReportWriters.Render(report, ReportFormat.JUnit), "JUnit.xsd"));
    }
}
