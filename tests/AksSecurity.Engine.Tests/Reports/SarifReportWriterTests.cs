using System.Text.Json.Nodes;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;
using static AksSecurity.Engine.Tests.Reports.SecurityReportTests;

namespace AksSecurity.Engine.Tests.Reports;

public class SarifReportWriterTests
{
    private const string LiveId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";

    private static JsonObject Run(string sarif) => (JsonObject)JsonNode.Parse(sarif)!["runs"]![0]!;

    [Fact]
    public void Offline_report_is_valid_sarif_2_1_0()
    {
        var sarif = ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Sarif);
        Assert.Empty(ReportFixtures.SarifSchemaErrors(sarif));
    }

    [Fact]
    public void Schema_validation_catches_a_broken_log()
    {
        // The validator itself: a result without its required message is refused.
        var sarif = JsonNode.Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Sarif))!;
        sarif["runs"]![0]!["results"]![0]!.AsObject().Remove("message");
        Assert.NotEmpty(ReportFixtures.SarifSchemaErrors(sarif.ToJsonString()));
    }

    [Fact]
    public void Rules_are_the_checks_that_ran_with_help_and_a_link_to_the_catalogue()
    {
        var report = ReportFixtures.OfflineReport();
        var run = Run(ReportWriters.Render(report, ReportFormat.Sarif));
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray();

        Assert.Equal(report.Checks.Select(c => c.Id), rules.Select(r => (string)r!["id"]!));
        var open = rules.Single(r => (string)r!["id"]! == "AKS-API-002")!;
        Assert.Equal("https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#aks-api-002", (string)open["helpUri"]!);
        Assert.Contains("AKS-API-002", (string)open["help"]!["text"]!);
        Assert.Equal("error", (string)open["defaultConfiguration"]!["level"]!);
        Assert.Equal("9.5", (string)open["properties"]!["security-severity"]!);
        Assert.Contains("security", open["properties"]!["tags"]!.AsArray().Select(t => (string)t!));
    }

    [Fact]
    public void Catalogue_metadata_becomes_the_rule_description_and_help()
    {
        var lookup = (string id) => new SecurityCheck
        {
            Id = id, Title = $"Title of {id}", Severity = Severity.Low, Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document,
            Rationale = $"Why {id} matters.", Remediation = $"Do what fixes {id}.", FixedBy = "Set-AksApiAccess",
        };
        var report = ReportFixtures.Report(new[] { Result(LiveId, LiveId, new[] { "AKS-API-006" }) }, lookup);
        var sarif = ReportWriters.Render(report, ReportFormat.Sarif);
        var rule = Run(sarif)["tool"]!["driver"]!["rules"]![0]!;

        Assert.Equal("Title of AKS-API-006", (string)rule["shortDescription"]!["text"]!);
        Assert.Equal("Why AKS-API-006 matters.", (string)rule["fullDescription"]!["text"]!);
        Assert.Contains("Fix: Do what fixes AKS-API-006. (`Set-AksApiAccess`)", (string)rule["help"]!["markdown"]!);
        Assert.Equal("note", (string)rule["defaultConfiguration"]!["level"]!);
        Assert.Contains("ApiServer", rule["properties"]!["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Empty(Run(sarif)["results"]!.AsArray());
        Assert.Empty(ReportFixtures.SarifSchemaErrors(sarif));
    }

    [Fact]
    public void Every_finding_is_a_result_with_its_level_message_and_rule()
    {
        var report = ReportFixtures.OfflineReport();
        var run = Run(ReportWriters.Render(report, ReportFormat.Sarif));
        var results = run["results"]!.AsArray();

        Assert.Equal(report.FindingCount, results.Count);
        var critical = results.Single(r => (string)r!["ruleId"]! == "AKS-API-002")!;
        Assert.Equal("error", (string)critical["level"]!);
        Assert.StartsWith("test-wide: Authorized IP ranges allow the whole internet.", (string)critical["message"]!["text"]!);
        Assert.Contains("Set-AksApiAccess", (string)critical["message"]!["text"]!);
        Assert.Equal("AKS-API-002", (string)run["tool"]!["driver"]!["rules"]![(int)critical["ruleIndex"]!]!["id"]!);
        Assert.Equal("properties.apiServerAccessProfile.authorizedIPRanges", (string)critical["properties"]!["jsonPath"]!);
        Assert.Equal(new[] { "error", "note", "warning" }, results.Select(r => (string)r!["level"]!).Distinct().Order());
    }

    [Fact]
    public void Offline_results_point_at_the_document_relative_to_the_source_root_on_the_line_of_the_setting()
    {
        var run = Run(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Sarif));
        var critical = run["results"]!.AsArray().Single(r => (string)r!["ruleId"]! == "AKS-API-002")!;
        var physical = critical["locations"]![0]!["physicalLocation"]!;

        Assert.Equal("examples/clusters/test-wide.json", (string)physical["artifactLocation"]!["uri"]!);
        Assert.Equal("%SRCROOT%", (string)physical["artifactLocation"]!["uriBaseId"]!);
        var line = (int)physical["region"]!["startLine"]!;
        Assert.Contains("authorizedIPRanges", File.ReadAllLines(Path.Combine(ExampleClusters.ExamplesDirectory, "test-wide.json"))[line - 1]);
        Assert.Equal(new Uri(ReportFixtures.RepositoryRoot + "/").AbsoluteUri, (string)run["originalUriBaseIds"]!["%SRCROOT%"]!["uri"]!);
        Assert.Equal("resource", (string)critical["locations"]![0]!["logicalLocations"]![0]!["kind"]!);
    }

    [Fact]
    public void Entries_of_a_list_file_are_placed_in_their_own_entry()
    {
        var run = Run(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Sarif));
        var rbac = run["results"]!.AsArray().Single(r => (string)r!["ruleId"]! == "AKS-AAD-001" && (string)r["properties"]!["clusterName"]! == "clustername1")!;
        var physical = rbac["locations"]![0]!["physicalLocation"]!;

        Assert.Equal("examples/clusters/subscription-list.json", (string)physical["artifactLocation"]!["uri"]!);
        var line = File.ReadAllLines(Path.Combine(ExampleClusters.ExamplesDirectory, "subscription-list.json"))[(int)physical["region"]!["startLine"]! - 1];
        Assert.Contains("\"enableRBAC\"", line);
    }

    [Fact]
    public void Documents_outside_the_source_root_are_absolute_file_uris()
    {
        var report = SecurityReport.Create(ReportFixtures.OfflineResults(), new ReportOptions { SourceRoot = Path.Combine(Path.GetTempPath(), $"elsewhere-{Guid.NewGuid():N}") });
        var run = Run(ReportWriters.Render(report, ReportFormat.Sarif));
        var uri = (string)run["results"]![0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!;

        Assert.StartsWith("file:///", uri);
        Assert.Null(run["results"]![0]!["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uriBaseId"]);
        Assert.Null(run["originalUriBaseIds"]);
    }

    [Fact]
    public void Live_results_point_at_the_cluster_resource()
    {
        var report = ReportFixtures.Report(new[] { Result(LiveId, LiveId, new[] { "AKS-API-005" }, Finding("AKS-API-005", Severity.Medium, clusterId: LiveId)) });
        var sarif = ReportWriters.Render(report, ReportFormat.Sarif);
        var run = Run(sarif);
        var location = run["results"]![0]!["locations"]![0]!;

        Assert.Equal(LiveId.TrimStart('/'), (string)location["physicalLocation"]!["artifactLocation"]!["uri"]!);
        Assert.Equal("AZURE_RESOURCE_ID", (string)location["physicalLocation"]!["artifactLocation"]!["uriBaseId"]!);
        Assert.Null(location["physicalLocation"]!["region"]);
        Assert.Equal(LiveId, (string)location["logicalLocations"]![0]!["fullyQualifiedName"]!);
        Assert.NotNull(run["originalUriBaseIds"]!["AZURE_RESOURCE_ID"]!["description"]);
        Assert.Empty(ReportFixtures.SarifSchemaErrors(sarif));
    }

    [Fact]
    public void Fingerprints_are_stable_per_cluster_and_check()
    {
        string Fingerprint(IEnumerable<ClusterTestResult> results, string checkId) =>
            (string)Run(ReportWriters.Render(ReportFixtures.Report(results), ReportFormat.Sarif))["results"]!.AsArray()
                .Single(r => (string)r!["ruleId"]! == checkId)!["partialFingerprints"]!["primaryLocationLineHash"]!;

        var first = Result(LiveId, LiveId, new[] { "AKS-API-005", "AKS-API-006" }, Finding("AKS-API-005", Severity.Medium, "run command on"));
        var later = Result(LiveId, LiveId, new[] { "AKS-API-005", "AKS-API-006" }, Finding("AKS-API-006", Severity.Low), Finding("AKS-API-005", Severity.Medium, "other words"));
        var otherCluster = Result(LiveId + "2", LiveId + "2", new[] { "AKS-API-005" }, Finding("AKS-API-005", Severity.Medium, "run command on"));

        Assert.Equal(Fingerprint(new[] { first }, "AKS-API-005"), Fingerprint(new[] { later }, "AKS-API-005"));
        Assert.NotEqual(Fingerprint(new[] { first }, "AKS-API-005"), Fingerprint(new[] { otherCluster }, "AKS-API-005"));
        Assert.NotEqual(Fingerprint(new[] { later }, "AKS-API-005"), Fingerprint(new[] { later }, "AKS-API-006"));
    }

    [Fact]
    public void Several_findings_of_one_check_on_one_cluster_get_their_own_fingerprints()
    {
        var result = Result(LiveId, LiveId, new[] { "AKS-API-003" }, Finding("AKS-API-003", Severity.Medium, "10.0.0.0/8"), Finding("AKS-API-003", Severity.Medium, "172.16.0.0/12"));
        var results = Run(ReportWriters.Render(ReportFixtures.Report(new[] { result }), ReportFormat.Sarif))["results"]!.AsArray();
        Assert.Equal(2, results.Select(r => (string)r!["partialFingerprints"]!["primaryLocationLineHash"]!).Distinct().Count());
    }

    [Fact]
    public void An_empty_report_is_valid_and_has_no_results()
    {
        var sarif = ReportWriters.Render(ReportFixtures.Report(Array.Empty<ClusterTestResult>()), ReportFormat.Sarif);
        Assert.Empty(ReportFixtures.SarifSchemaErrors(sarif));
        Assert.Empty(Run(sarif)["results"]!.AsArray());
    }
}
