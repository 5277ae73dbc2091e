using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Reports;

public class SecurityReportTests
{
    private const string ClusterA = "/subscriptions/s/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks";
    private const string ClusterB = "/subscriptions/s/resourceGroups/rg-b/providers/Microsoft.ContainerService/managedClusters/aks";

    internal static Finding Finding(string checkId, Severity severity, string evidence = "evidence", string? clusterId = ClusterA) =>
        new(checkId, severity, $"{checkId} failed", evidence, $"Fix-{checkId}") { JsonPath = "properties.x", ClusterId = clusterId, ClusterName = "aks" };

    internal static ClusterTestResult Result(string id, string source, string[] checksRun, params Finding[] findings) =>
        new(id, id.Split('/')[^1], source, findings, checksRun);

    [Fact]
    public void Results_of_several_cmdlets_for_one_cluster_are_one_cluster()
    {
        var report = ReportFixtures.Report(new[]
        {
            Result(ClusterA, ClusterA, new[] { "AKS-API-001", "AKS-API-005" }, Finding("AKS-API-005", Severity.Medium)),
            Result(ClusterA.ToUpperInvariant(), ClusterA.ToUpperInvariant(), new[] { "AKS-POL-001" }, Finding("AKS-POL-001", Severity.High)),
        });

        var cluster = Assert.Single(report.Clusters);
        Assert.Equal(new[] { "AKS-API-001", "AKS-API-005", "AKS-POL-001" }, cluster.Checks.Select(c => c.Check.Id));
        Assert.Equal(new[] { "AKS-POL-001", "AKS-API-005" }, cluster.Findings.Select(f => f.CheckId));
        Assert.Equal(Severity.High, cluster.HighestSeverity);
        Assert.True(cluster.IsLive);
        // Weighted as Test-AksSecurity weighs: AKS-API-001 High passed (5) of High failed (5) and Medium failed (3).
        Assert.Equal(38, cluster.Score);
    }

    [Fact]
    public void The_same_result_piped_twice_counts_once()
    {
        var result = Result(ClusterA, ClusterA, new[] { "AKS-API-005" }, Finding("AKS-API-005", Severity.Medium));
        var cluster = Assert.Single(ReportFixtures.Report(new[] { result, result }).Clusters);
        Assert.Single(cluster.Findings);
        Assert.Single(cluster.Checks);
    }

    [Fact]
    public void Clusters_with_the_same_name_are_told_apart_by_resource_group_or_file()
    {
        var report = ReportFixtures.Report(new[]
        {
            Result(ClusterB, ClusterB, new[] { "AKS-API-001" }),
            Result(ClusterA, ClusterA, new[] { "AKS-API-001" }),
            Result(ClusterA, "/tmp/exports/aks.json[1]", new[] { "AKS-API-001" }),
        });

        Assert.Equal(new[] { "aks (rg-a)", "aks (aks.json[1])", "aks (rg-b)" }, report.Clusters.Select(c => c.DisplayName));
        Assert.False(report.Clusters[1].IsLive);
    }

    [Fact]
    public void Check_metadata_comes_from_the_lookup_and_else_from_the_findings()
    {
        var results = new[] { Result(ClusterA, ClusterA, new[] { "AKS-API-001", "AKS-TST-005", "AKS-TST-006" }, Finding("AKS-TST-005", Severity.Medium)) };
        var report = ReportFixtures.Report(results);

        var known = report.Check("AKS-API-001");
        Assert.Equal(("API server is reachable from any address", Severity.High, "ApiServer", "Set-AksApiAccess"), (known.Title, known.Severity, known.Category, known.FixedBy));
        Assert.StartsWith("A public API server without authorized IP ranges", known.Rationale);
        Assert.Equal("https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#aks-api-001", known.HelpUri.AbsoluteUri);
        // Not in the catalogue: the title and severity of its findings, or only its id when it never failed.
        Assert.Equal(("AKS-TST-005 failed", Severity.Medium), (report.Check("AKS-TST-005").Title, report.Check("AKS-TST-005").Severity));
        Assert.Equal(("AKS-TST-006", (Severity?)null), (report.Check("AKS-TST-006").Title, report.Check("AKS-TST-006").Severity));
        Assert.Equal("AKS-API-001", ReportFixtures.Report(results, _ => null).Check("AKS-API-001").Title);
    }

    [Fact]
    public void Offline_examples_make_a_report_of_every_cluster_in_name_order()
    {
        var report = ReportFixtures.OfflineReport();

        Assert.Equal(new[] { "clustername1", "dev-open", "prod-private", "prod-restricted", "test-wide" }, report.Clusters.Select(c => c.DisplayName));
        Assert.All(report.Clusters, c => Assert.False(c.IsLive));
        Assert.Equal(report.Clusters.Sum(c => c.Findings.Count), report.FindingCount);
        Assert.Equal(report.ChecksRun, report.ChecksPassed + report.ChecksFailed);
        Assert.Contains(report.Clusters, c => c.Source.EndsWith("subscription-list.json[0]", StringComparison.Ordinal));
        Assert.Equal(Severity.Critical, report.Clusters.Single(c => c.Name == "test-wide").HighestSeverity);
    }

    [Theory]
    [InlineData("/data/a.json", "/data/a.json", "")]
    [InlineData("/data/list.json[3]", "/data/list.json", "[3]")]
    [InlineData("/data/main.json#resources[0]", "/data/main.json", "#resources[0]")]
    public void Offline_sources_split_into_file_and_entry(string source, string file, string entry) =>
        Assert.Equal(new DocumentLocation(file, entry), DocumentLocation.Parse(source));
}
