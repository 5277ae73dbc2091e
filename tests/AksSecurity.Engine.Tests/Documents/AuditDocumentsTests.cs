using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Documents;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Documents;

/// <summary>What the offline audit reads besides ARM GET documents: compiled Bicep, evidence files and suppression files.</summary>
public sealed class AuditDocumentsTests : IDisposable
{
    private const string ClusterId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/dev-open";

    private readonly string _dir = Directory.CreateTempSubdirectory("aks-audit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string WriteCluster(string name = "dev-open.json") =>
        Write(name, File.ReadAllText(Path.Combine(ExampleClusters.ExamplesDirectory, "dev-open.json")));

    [Fact]
    public void Reads_a_language_version_2_template_with_symbolic_resources_and_a_module()
    {
        // Bicep output with languageVersion 2.0: resources is an object; a module is a nested deployment; "existing" declares nothing.
        var path = Write("main.json", """
            {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "languageVersion": "2.0", "contentVersion": "1.0.0.0",
             "parameters": {"clusterName": {"type": "string"}},
             "resources": {
               "vnet": {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-05-01", "name": "vnet1", "existing": true},
               "aks": {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2026-08-01", "name": "[parameters('clusterName')]", "location": "westeurope",
                       "properties": {"kubernetesVersion": "1.33", "apiServerAccessProfile": {"authorizedIPRanges": "[parameters('ranges')]"}}},
               "peer": {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2026-08-01", "name": "old", "existing": true},
               "module": {"type": "Microsoft.Resources/deployments", "apiVersion": "2025-04-01", "name": "cluster2",
                          "properties": {"mode": "Incremental", "template": {"resources": [
                             {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2026-08-01", "name": "inner", "properties": {"enableRBAC": true}}]}}}
             }}
            """);

        var entries = ClusterDocumentReader.ReadFile(path);

        Assert.Equal(new[] { $"{path}#resources['aks']", $"{path}#resources['module'].properties.template#resources[0]" }, entries.Select(e => e.Source));
        Assert.Equal("[parameters('clusterName')]", entries[0].Document.View.Name);
        Assert.Equal("inner", entries[1].Document.View.Name);

        var audit = new SecurityAudit(new AuditSelection { CheckIds = new[] { "AKS-API-001" } }).Evaluate(new ClusterEvidence(entries[0].Document, online: false));
        Assert.Empty(audit.Findings);
        Assert.Contains("[parameters('ranges')]", Assert.Single(audit.Skipped).Reason);
    }

    [Fact]
    public void A_whole_properties_expression_leaves_every_document_check_unknown()
    {
        var path = Write("props.json", """
            {"resources": [{"type": "Microsoft.ContainerService/managedClusters", "name": "c", "properties": "[variables('clusterProperties')]"}]}
            """);
        var document = Assert.Single(ClusterDocumentReader.ReadFile(path)).Document;
        var result = new SecurityAudit().Evaluate(new ClusterEvidence(document, online: false));

        Assert.DoesNotContain(result.Findings, f => CheckCatalog.Get(f.CheckId).Inputs.Any(i => i.StartsWith("properties.")));
        Assert.Contains(result.Skipped, s => s.CheckId == "AKS-CFG-003" && s.Reason.StartsWith("properties is a template expression"));
    }

    [Fact]
    public void The_evidence_file_beside_a_document_fills_in_what_is_read_online()
    {
        var document = WriteCluster();
        var assignment = PolicyFixtures.ResponseBody("getPolicyAssignment.json");
        assignment["properties"]!["policyDefinitionId"] = "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d";
        var setting = MonitoringDocuments.Setting("audit", MonitoringDocuments.Workspace, "kube-audit-admin", "guard").Json;
        Write("dev-open.evidence.json", new JsonObject
        {
            ["policyAssignments"] = new JsonObject { ["value"] = new JsonArray(assignment) },
            ["diagnosticSettings"] = new JsonArray(setting),
            ["maintenanceConfigurations"] = new JsonArray(),
            ["defenderPlan"] = AuditScenarios.Plan("Standard").Json.DeepClone(),
            ["kubernetesVersions"] = ArmExamples.ResponseBody("KubernetesVersions_List.json"),
        }.ToJsonString());
        var evidence = new ClusterEvidence(Assert.Single(ClusterDocumentReader.ReadFile(document)).Document, online: false);

        var used = OfflineEvidence.Load(Array.Empty<string>()).Apply(evidence, document, clustersInDocument: 1);

        Assert.Equal(Path.Combine(_dir, "dev-open.evidence.json"), used);
        Assert.NotNull(Assert.Single(evidence.PolicyAssignments!).Initiative);
        Assert.Single(evidence.DiagnosticSettings!.RoutesOf("guard"));
        Assert.Empty(evidence.MaintenanceConfigurations!);
        Assert.True(evidence.DefenderPlan!.IsOn);
        Assert.NotNull(evidence.SupportedKubernetesVersions);
        var result = new SecurityAudit().Evaluate(evidence);
        Assert.DoesNotContain(result.Skipped, s => s.Reason.StartsWith("Needs"));
        Assert.DoesNotContain(result.Findings, f => f.CheckId is "AKS-POL-002" or "AKS-MON-002" or "AKS-MON-003" or "AKS-MON-004");
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-DEF-003");
    }

    [Fact]
    public void Given_evidence_is_matched_by_cluster_id_or_name_and_an_unnamed_entry_only_fits_a_single_cluster_file()
    {
        var document = WriteCluster("clusters.json");
        var evidence = () => new ClusterEvidence(Assert.Single(ClusterDocumentReader.ReadFile(document)).Document, online: false);
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "evidence")).FullName;
        File.WriteAllText(Path.Combine(folder, "all.evidence.json"), $$"""
            [{"clusterName": "someone-else", "diagnosticSettings": []},
             {"clusterId": "{{ClusterId.ToUpperInvariant()}}", "policyAssignments": []}]
            """);

        var byId = evidence();
        Assert.EndsWith("all.evidence.json[1]", OfflineEvidence.Load(new[] { folder }).Apply(byId, document, clustersInDocument: 3));
        Assert.Empty(byId.PolicyAssignments!);
        Assert.Null(byId.DiagnosticSettings);

        Write("clusters.evidence.json", """{"diagnosticSettings": []}""");
        var unnamed = evidence();
        Assert.Null(OfflineEvidence.Load(Array.Empty<string>()).Apply(unnamed, document, clustersInDocument: 2));
        Assert.Null(unnamed.DiagnosticSettings);
        Assert.NotNull(OfflineEvidence.Load(Array.Empty<string>()).Apply(unnamed, document, clustersInDocument: 1));
        Assert.NotNull(unnamed.DiagnosticSettings);
    }

    [Theory]
    [InlineData("""{"policyAssignment": []}""", "unknown member(s) policyAssignment")]
    [InlineData("""{"diagnosticSettings": {"name": "x"}}""", "diagnosticSettings must be an array")]
    [InlineData("""{"defenderPlan": []}""", "defenderPlan must be an object")]
    [InlineData("""[1]""", "is not an object")]
    [InlineData("""{"diagnosticSettings": [""", "is not valid JSON")]
    public void A_bad_evidence_file_is_invalid_data_naming_the_file(string content, string message)
    {
        var path = Write("bad.evidence.json", content);
        var document = WriteCluster();
        var error = Assert.Throws<AksSecurityException>(() =>
            OfflineEvidence.Load(new[] { path }).Apply(new ClusterEvidence(Assert.Single(ClusterDocumentReader.ReadFile(document)).Document, online: false), document, 1));
        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains(message, error.Message);
        Assert.StartsWith(path, error.Target);
    }

    [Fact]
    public void A_missing_evidence_path_is_object_not_found()
    {
        var error = Assert.Throws<AksSecurityException>(() => OfflineEvidence.Load(new[] { Path.Combine(_dir, "nope") }));
        Assert.Equal(AksErrorKind.ObjectNotFound, error.Kind);
    }

    [Fact]
    public void Evidence_files_are_named_after_their_document()
    {
        Assert.Equal(Path.Combine("a", "prod.evidence.json"), OfflineEvidence.SiblingOf(Path.Combine("a", "prod.json")));
        Assert.True(OfflineEvidence.IsEvidenceFile("x/PROD.Evidence.json"));
        Assert.False(OfflineEvidence.IsEvidenceFile("x/prod.json"));
    }

    [Fact]
    public void Reads_a_suppression_file_in_either_shape()
    {
        var array = SuppressionSet.ReadJson("""
            [{"checkId": "AKS-API-007", "cluster": "prod-*", "reason": "private endpoint planned", "expires": "2026-09-30"},
             {"checkId": "AKS-CFG-0*", "reason": "legacy cluster", "expires": "2026-09-30T18:00:00+02:00"},
             {"checkId": "AKS-MON-005", "reason": "read events needed"}]
            """, "s.json");
        Assert.Equal(3, array.Entries.Count);
        Assert.Equal(("AKS-API-007", "prod-*", "s.json[0]"), (array.Entries[0].CheckId, array.Entries[0].Cluster, array.Entries[0].Source));
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 0, 0, 0, TimeSpan.Zero), array.Entries[0].Expires);
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 16, 0, 0, TimeSpan.Zero), array.Entries[1].Expires!.Value.ToUniversalTime());
        Assert.Equal("*", array.Entries[1].Cluster);
        Assert.Null(array.Entries[2].Expires);

        var wrapped = SuppressionSet.ReadJson("""{"suppressions": [{"checkId": "AKS-API-007", "reason": "r"}]}""", "w.json");
        Assert.Single(wrapped.Entries);
    }

    [Theory]
    [InlineData("""[{"reason": "r"}]""", "has no checkId")]
    [InlineData("""[{"checkId": "AKS-API-007"}]""", "has no reason")]
    [InlineData("""[{"checkId": "AKS-NOPE-*", "reason": "r"}]""", "matches no check")]
    [InlineData("""[{"checkId": "AKS-API-007", "reason": "r", "expires": "next year"}]""", "is not a date")]
    [InlineData("""{"checkId": "AKS-API-007"}""", "must hold an array")]
    [InlineData("""[1]""", "is not an object")]
    public void A_bad_suppression_is_refused_with_where_it_is(string json, string message)
    {
        var error = Assert.Throws<AksSecurityException>(() => SuppressionSet.ReadJson(json, "bad.json"));
        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains(message, error.Message);
        Assert.StartsWith("bad.json", error.Target);
    }

    [Fact]
    public void The_gate_lists_remaining_findings_at_or_above_the_threshold()
    {
        var audit = new SecurityAudit(suppressions: new SuppressionSet(new[] { SuppressionSet.Create("AKS-API-001", "dev-open", "accepted", null, "t") }));
        var results = new[]
        {
            audit.Evaluate(new ClusterEvidence(ExampleClusters.Load("dev-open.json"), online: false)),
            audit.Evaluate(new ClusterEvidence(ExampleClusters.Load("test-wide.json"), online: false)),
            audit.Evaluate(new ClusterEvidence(ExampleClusters.Load("prod-restricted.json"), online: false)),
        };

        var critical = AuditGate.Message(results, Severity.Critical)!;
        Assert.StartsWith("AKS security audit failed: 1 finding(s) at or above Critical on 1 of 3 cluster(s):", critical);
        Assert.Contains("\n  test-wide: AKS-API-002 [Critical] Authorized IP ranges allow the whole internet (docs/checks.md#aks-api-002)", critical);

        var high = AuditGate.Failures(results, Severity.High);
        Assert.DoesNotContain(high, f => f.CheckId == "AKS-API-001");   // suppressed
        Assert.All(high, f => Assert.True(f.Severity >= Severity.High));
        Assert.Equal(Severity.Critical, high[0].Severity);

        Assert.Null(AuditGate.Message(new[] { results[2] }, Severity.Critical));
    }
}
