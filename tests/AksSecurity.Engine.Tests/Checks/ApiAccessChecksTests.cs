using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class ApiAccessChecksTests
{
    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    [Fact]
    public void Public_cluster_without_ranges_is_open_to_everyone()
    {
        var result = ApiAccessChecks.Evaluate(ExampleClusters.Load("dev-open.json"));

        Assert.False(result.Passed);
        Assert.Equal(new[] { "AKS-API-001", "AKS-API-005", "AKS-API-006", "AKS-API-007" }, Ids(result));
        var open = result.Findings[0];
        Assert.Equal(Severity.High, open.Severity);
        Assert.Equal("properties.apiServerAccessProfile.authorizedIPRanges", open.JsonPath);
        Assert.Contains("Set-AksApiAccess", open.Remediation);
        Assert.Equal("dev-open", result.ClusterName);
        Assert.Equal("dev-open.json", result.Source);
    }

    [Fact]
    public void Restricted_cluster_passes_every_check_but_the_public_endpoint()
    {
        var result = ApiAccessChecks.Evaluate(ExampleClusters.Load("prod-restricted.json"));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("AKS-API-007", Severity.Low), (finding.CheckId, finding.Severity));
        Assert.Contains("guarded only by its authorized IP ranges", finding.Evidence);
        Assert.Contains("With API Server VNet Integration, public access can be removed", finding.Remediation);
        Assert.Contains("AKS-API-001", result.ChecksRun);
    }

    [Theory]
    [InlineData(true, null, false)]
    [InlineData(false, "Disabled", false)]
    [InlineData(false, "Enabled", true)]
    [InlineData(false, null, true)]
    public void Only_a_reachable_public_endpoint_is_reported(bool privateCluster, string? publicNetworkAccess, bool reported)
    {
        var cluster = ExampleClusters.PublicWith(new JsonObject { ["enablePrivateCluster"] = privateCluster, ["authorizedIPRanges"] = new JsonArray("20.10.0.0/24") });
        if (publicNetworkAccess is not null)
        {
            cluster.Root["properties"]!["publicNetworkAccess"] = publicNetworkAccess;
        }

        var result = ApiAccessChecks.Evaluate(cluster);
        Assert.Contains("AKS-API-007", result.ChecksRun);
        Assert.Equal(reported, Ids(result).Contains("AKS-API-007"));
    }

    [Fact]
    public void Whole_internet_is_critical_and_wide_prefixes_are_medium()
    {
        var result = ApiAccessChecks.Evaluate(ExampleClusters.Load("test-wide.json"));
        Assert.Equal(Severity.Critical, result.HighestSeverity);
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-API-002" && f.Evidence.Contains("0.0.0.0/0"));
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-API-003" && f.Evidence.Contains("10.20.0.0/16") && f.Evidence.Contains("65,536"));
    }

    [Theory]
    [InlineData(16, false)]
    [InlineData(17, true)]
    public void Prefix_threshold_is_the_callers_choice(int minimum, bool flagged)
    {
        var cluster = ExampleClusters.PublicWith(new JsonObject { ["authorizedIPRanges"] = new JsonArray("10.20.0.0/16"), ["disableRunCommand"] = true });
        var result = ApiAccessChecks.Evaluate(cluster, new ApiAccessCheckOptions { MinimumPrefixLength = minimum });
        Assert.Equal(flagged, result.Findings.Any(f => f.CheckId == "AKS-API-003"));
    }

    [Fact]
    public void Private_clusters_are_exempt_from_range_checks_but_not_from_public_fqdn()
    {
        var result = ApiAccessChecks.Evaluate(ExampleClusters.Load("prod-private.json"));
        Assert.DoesNotContain("AKS-API-001", result.ChecksRun);
        Assert.DoesNotContain(result.Findings, f => f.CheckId is "AKS-API-001" or "AKS-API-002" or "AKS-API-003");
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-API-004" && f.Severity == Severity.Low);
    }

    [Fact]
    public void Public_network_access_disabled_counts_as_no_public_endpoint()
    {
        var cluster = ExampleClusters.PublicWith(null);
        cluster.Root["properties"]!["publicNetworkAccess"] = "Disabled";
        Assert.DoesNotContain(ApiAccessChecks.Evaluate(cluster).Findings, f => f.CheckId == "AKS-API-001");
    }

    [Fact]
    public void Az_cli_spelling_of_the_range_property_is_read()
    {
        // az aks show writes authorizedIpRanges (camelCase of the Python attribute), ARM authorizedIPRanges.
        var cluster = ExampleClusters.PublicWith(new JsonObject { ["authorizedIpRanges"] = new JsonArray("52.3.4.5/32") });
        Assert.DoesNotContain(ApiAccessChecks.Evaluate(cluster).Findings, f => f.CheckId == "AKS-API-001");
    }
}
