using System.Text.Json.Nodes;
using System.Xml.Linq;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Reports;

/// <summary>Reports of clusters read from the fake ARM with their evidence beside them, as the live Test- cmdlets produce them.</summary>
public sealed class LiveReportTests : IClassFixture<FakeArmFixture>
{
    private readonly FakeArmFixture _arm;

    public LiveReportTests(FakeArmFixture arm) => _arm = arm;

    private async Task<SecurityReport> LiveReportAsync()
    {
        var connection = await _arm.ConnectAsync();
        var readers = new IEvidenceReader[] { new PolicyAssignmentReader(), new DiagnosticSettingsReader(), new DefenderPlanReader() };
        var results = new List<ClusterTestResult>();
        foreach (var name in new[] { "clustername1", "restricted1" })
        {
            var group = name == "clustername1" ? "rg1" : "rg2";
            var evidence = await EvidenceCollector.CollectAsync(connection, ClusterResourceId.Parse(FakeArmFixture.ClusterId(group, name)), readers, new RecordingSink(), CancellationToken.None);
            results.AddRange(ReportFixtures.EvaluateAll(evidence));
        }

        return ReportFixtures.Report(results);
    }

    [Fact]
    public async Task Live_results_make_valid_reports_in_every_format()
    {
        var report = await LiveReportAsync();
        Assert.All(report.Clusters, c => Assert.True(c.IsLive));
        // Online, the checks that read beside the cluster ran too.
        Assert.Contains(report.Checks, c => c.Id.StartsWith("AKS-MON-", StringComparison.Ordinal));

        Assert.Empty(ReportFixtures.SarifSchemaErrors(ReportWriters.Render(report, ReportFormat.Sarif)));
        Assert.Empty(ReportFixtures.XmlSchemaErrors(ReportWriters.Render(report, ReportFormat.NUnit), "TestResult.xsd"));
        Assert.Empty(ReportFixtures.XmlSchemaErrors(ReportWriters.Render(report, ReportFormat.JUnit), "JUnit.xsd"));
        Assert.Equal(report.ChecksRun, XDocument.Parse(ReportWriters.Render(report, ReportFormat.JUnit)).Descendants("testcase").Count());
        Assert.Equal(2, JsonNode.Parse(ReportWriters.Render(report, ReportFormat.Json))!["clusters"]!.AsArray().Count(c => (bool)c!["live"]!));
        Assert.Contains("resource `/subscriptions/", ReportWriters.Render(report, ReportFormat.Markdown));
        Assert.Contains("live · resource group rg1", ReportWriters.Render(report, ReportFormat.Html));
    }

    [Fact]
    public async Task Live_sarif_results_are_located_at_the_cluster_resource()
    {
        var report = await LiveReportAsync();
        var results = JsonNode.Parse(ReportWriters.Render(report, ReportFormat.Sarif))!["runs"]![0]!["results"]!.AsArray();

        Assert.Equal(report.FindingCount, results.Count);
        Assert.All(results, r =>
        {
            var artifact = r!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!;
            Assert.Equal("AZURE_RESOURCE_ID", (string)artifact["uriBaseId"]!);
            Assert.Equal("/" + (string)artifact["uri"]!, (string)r["properties"]!["clusterId"]!);
        });
    }
}
