using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Documents;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class SecurityAuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private static ClusterEvidence Offline(string file) => new(ExampleClusters.Load(file), online: false);

    private static SecurityAudit Audit(AuditSelection? selection = null, params Suppression[] suppressions) =>
        new(selection, new SuppressionSet(suppressions), () => Now);

    private static Suppression Suppress(string checkId, string cluster, string? expires = null) =>
        SuppressionSet.Create(checkId, cluster, "accepted by the platform team", expires, "test");

    [Fact]
    public void Offline_every_check_gives_a_verdict_or_says_why_not()
    {
        var audit = Audit();
        var result = audit.Evaluate(Offline("dev-open.json"));

        Assert.Equal(CheckCatalog.All.Select(c => c.Id).Order(), result.ChecksRun.Concat(result.Skipped.Select(s => s.CheckId)).Order());
        Assert.Equal("dev-open", result.ClusterName);
        Assert.Equal("dev-open.json", result.Source);
        var policy = result.Skipped.Single(s => s.CheckId == "AKS-POL-002");
        Assert.StartsWith("Needs the policy assignments that apply to the cluster, which was not read", policy.Reason);
        Assert.Contains("docs/checks.md#aks-pol-002", policy.Reason);
        Assert.Contains(result.Skipped, s => s.CheckId == "AKS-DEF-002" && s.Reason.Contains("Defender for Containers plan"));
        // Managed Entra ID is off, so the admin group check does not apply.
        Assert.Contains(result.Skipped, s => s.CheckId == "AKS-AAD-005" && s.Reason.StartsWith("Does not apply"));
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-API-001");
        Assert.False(result.Passed);
        Assert.Equal(result.ChecksRun.Count, result.PassedChecks + result.FailedChecks + result.SuppressedChecks);
        Assert.Equal(Enum.GetValues<Severity>().OrderDescending(), result.Counts.Select(c => c.Severity));
    }

    [Fact]
    public void Evidence_beside_the_cluster_lets_its_checks_run()
    {
        var scenario = AuditScenarios.Open();
        var result = Audit().Evaluate(scenario.Evidence);

        Assert.Contains("AKS-POL-002", result.ChecksRun);
        Assert.Contains("AKS-MON-002", result.ChecksRun);
        Assert.Contains("AKS-UPG-004", result.ChecksRun);
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-DEF-003");
        Assert.DoesNotContain(result.Skipped, s => s.Reason.StartsWith("Needs"));
    }

    [Fact]
    public void The_score_weighs_checks_by_severity_and_leaves_suppressed_ones_out()
    {
        var counts = new[]
        {
            new SeverityCount { Severity = Severity.Critical, Failed = 1 },
            new SeverityCount { Severity = Severity.High, Passed = 2, Suppressed = 5 },
            new SeverityCount { Severity = Severity.Low, Passed = 3, Failed = 1 },
        };
        // Passed 2×5 + 3×1 = 13; failed 10 + 1 = 11; 100 × 13 / 24 = 54.17.
        Assert.Equal(54, SecurityAudit.Score(counts));
        Assert.Equal(100, SecurityAudit.Score(Array.Empty<SeverityCount>()));
        Assert.Equal(99, SecurityAudit.Score(new[] { new SeverityCount { Severity = Severity.High, Passed = 40 }, new SeverityCount { Severity = Severity.Low, Failed = 1 } }));
        Assert.Equal(100, SecurityAudit.Score(new[] { new SeverityCount { Severity = Severity.Informational, Failed = 3 } }));
    }

    [Fact]
    public void A_hardened_cluster_scores_100_and_a_failing_one_less()
    {
        var restricted = Audit(new AuditSelection { CheckIds = new[] { "AKS-API-001", "AKS-API-002", "AKS-API-003", "AKS-API-005" } }).Evaluate(Offline("prod-restricted.json"));
        Assert.True(restricted.Passed);
        Assert.Equal(100, restricted.Score);

        var open = Audit(new AuditSelection { Categories = new[] { CheckCategory.ApiServer } }).Evaluate(Offline("dev-open.json"));
        Assert.InRange(open.Score, 0, 99);
        Assert.Equal(1, open.FailedOf(Severity.High));
    }

    [Fact]
    public void Checks_are_selected_by_id_pattern_exclusion_severity_and_category()
    {
        Assert.All(Audit(new AuditSelection { CheckIds = new[] { "aks-api-*" } }).Checks, c => Assert.StartsWith("AKS-API-", c.Id));
        Assert.DoesNotContain(Audit(new AuditSelection { ExcludeCheckIds = new[] { "AKS-CFG-*", "AKS-API-007" } }).Checks,
            c => c.Id.StartsWith("AKS-CFG-") || c.Id == "AKS-API-007");
        Assert.All(Audit(new AuditSelection { Severities = new[] { Severity.Critical, Severity.High } }).Checks, c => Assert.True(c.Severity >= Severity.High));
        var identity = Audit(new AuditSelection { Categories = new[] { CheckCategory.Identity } });
        Assert.Contains(identity.Checks, c => c.Id == "AKS-CFG-012");
        Assert.Equal(CheckEvidence.Document, identity.RequiredEvidence);
        Assert.Empty(identity.CreateReaders());

        var monitoring = Audit(new AuditSelection { Categories = new[] { CheckCategory.Monitoring } });
        Assert.Equal(CheckEvidence.Document | CheckEvidence.DiagnosticSettings, monitoring.RequiredEvidence);
        Assert.Single(monitoring.CreateReaders());

        var result = Audit(new AuditSelection { CheckIds = new[] { "AKS-API-*" } }).Evaluate(Offline("dev-open.json"));
        Assert.All(result.Findings, f => Assert.StartsWith("AKS-API-", f.CheckId));
        Assert.All(result.ChecksRun, id => Assert.StartsWith("AKS-API-", id));
    }

    [Fact]
    public void A_misspelt_id_or_an_empty_selection_is_refused_before_anything_runs()
    {
        var typo = Assert.Throws<AksSecurityException>(() => Audit(new AuditSelection { CheckIds = new[] { "AKS-API-01" } }));
        Assert.Equal(AksErrorKind.InvalidArgument, typo.Kind);
        Assert.Contains("'AKS-API-01'", typo.Message);
        Assert.Contains("Get-AksSecurityCheck", typo.Message);

        var none = Assert.Throws<AksSecurityException>(() => Audit(new AuditSelection { CheckIds = new[] { "AKS-API-*" }, Categories = new[] { CheckCategory.Monitoring } }));
        Assert.Contains("No check matches the selection (CheckId AKS-API-*; Category Monitoring)", none.Message);
    }

    [Fact]
    public void A_suppressed_finding_moves_aside_with_its_reason()
    {
        var result = Audit(null, Suppress("AKS-API-00?", "dev-*", "2026-12-31")).Evaluate(Offline("dev-open.json"));

        Assert.DoesNotContain(result.Findings, f => f.CheckId == "AKS-API-001");
        var suppressed = Assert.Single(result.Suppressed, s => s.CheckId == "AKS-API-001");
        Assert.Equal("accepted by the platform team", suppressed.Reason);
        Assert.Equal(new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), suppressed.Expires);
        Assert.Contains(result.Suppressed, s => s.CheckId == "AKS-API-007");
        Assert.DoesNotContain(result.Findings, f => f.CheckId.StartsWith("AKS-API-"));
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-AAD-001");
        Assert.Equal(1, result.Counts.Single(c => c.Severity == Severity.High).Suppressed);
        Assert.False(result.HasExpiredSuppressions);
        Assert.Contains("AKS-API-001", result.ChecksRun);
    }

    [Fact]
    public void Suppressions_match_the_cluster_by_name_or_resource_id_and_nothing_else()
    {
        var cluster = Offline("dev-open.json");
        var byId = Audit(null, Suppress("AKS-API-001", "/subscriptions/*/resourceGroups/rg-dev/*")).Evaluate(cluster);
        Assert.Contains(byId.Suppressed, s => s.CheckId == "AKS-API-001");

        var other = Audit(null, Suppress("AKS-API-001", "prod-*")).Evaluate(cluster);
        Assert.Empty(other.Suppressed);
        Assert.Contains(other.Findings, f => f.CheckId == "AKS-API-001");
    }

    [Fact]
    public void An_expired_suppression_is_reported_not_honoured()
    {
        var expired = Suppress("AKS-API-001", "*", "2026-06-15");
        var result = Audit(null, expired).Evaluate(Offline("dev-open.json"));

        Assert.Contains(result.Findings, f => f.CheckId == "AKS-API-001");
        Assert.Empty(result.Suppressed);
        Assert.True(result.HasExpiredSuppressions);
        Assert.Same(expired, Assert.Single(result.ExpiredSuppressions));

        // An expired entry beside a valid one: the valid one is honoured, the expired one still reported.
        var both = Audit(null, expired, Suppress("AKS-API-001", "dev-open")).Evaluate(Offline("dev-open.json"));
        Assert.Contains(both.Suppressed, s => s.CheckId == "AKS-API-001");
        Assert.True(both.HasExpiredSuppressions);
    }

    [Fact]
    public void Template_expressions_are_unknown_not_unset()
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        cluster.Root["properties"]!["apiServerAccessProfile"] = new JsonObject
        {
            ["authorizedIPRanges"] = "[parameters('authorizedRanges')]",
            ["disableRunCommand"] = true,
        };
        cluster.Root["properties"]!["disableLocalAccounts"] = "[parameters('disableLocalAccounts')]";
        var result = Audit().Evaluate(new ClusterEvidence(cluster, online: false));

        foreach (var id in new[] { "AKS-API-001", "AKS-API-002", "AKS-API-003" })
        {
            Assert.DoesNotContain(id, result.ChecksRun);
            Assert.DoesNotContain(result.Findings, f => f.CheckId == id);
            var skipped = result.Skipped.Single(s => s.CheckId == id);
            Assert.Equal("properties.apiServerAccessProfile.authorizedIPRanges is a template expression ([parameters('authorizedRanges')]), so properties.apiServerAccessProfile.authorizedIPRanges is known only at deployment.", skipped.Reason);
        }

        Assert.Contains(result.Skipped, s => s.CheckId == "AKS-AAD-004" && s.Reason.Contains("[parameters('disableLocalAccounts')]"));
        Assert.Contains("AKS-API-005", result.ChecksRun);
        Assert.DoesNotContain(result.Findings, f => f.CheckId == "AKS-API-005");
    }

    [Fact]
    public void An_expression_above_or_below_an_input_makes_it_unknown_too()
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        var properties = cluster.Root["properties"]!.AsObject();
        properties["apiServerAccessProfile"] = "[variables('apiAccess')]";
        properties["agentPoolProfiles"]![0]!["enableNodePublicIP"] = "[parameters('publicNodes')]";
        properties["addonProfiles"] = new JsonObject { ["azurepolicy"] = new JsonObject { ["enabled"] = "[parameters('policy')]" } };
        var result = Audit().Evaluate(new ClusterEvidence(cluster, online: false));

        Assert.All(new[] { "AKS-API-001", "AKS-API-004", "AKS-API-005", "AKS-API-006", "AKS-API-007", "AKS-CFG-006", "AKS-POL-001" },
            id => Assert.Contains(result.Skipped, s => s.CheckId == id && s.Reason.Contains("template expression")));
        Assert.Contains("AKS-CFG-008", result.ChecksRun);

        // A copy loop builds the pools at deployment: every pool check is unknown.
        properties.Remove("agentPoolProfiles");
        properties["copy"] = new JsonArray(new JsonObject { ["name"] = "agentPoolProfiles", ["count"] = "[length(parameters('pools'))]" });
        var looped = Audit().Evaluate(new ClusterEvidence(cluster, online: false));
        Assert.Contains(looped.Skipped, s => s.CheckId == "AKS-CFG-008" && s.Reason.StartsWith("properties.agentPoolProfiles is a template expression (copy loop 'agentPoolProfiles')"));
    }

    [Theory]
    [InlineData("properties.apiServerAccessProfile.authorizedIPRanges", "properties.apiServerAccessProfile", true)]
    [InlineData("properties.apiServerAccessProfile", "properties.apiServerAccessProfile.authorizedIPRanges[*]", true)]
    [InlineData("properties.agentPoolProfiles[*].enableFIPS", "properties.agentPoolProfiles[*].enableFIPS", true)]
    [InlineData("properties.agentPoolProfiles[*].enableFIPS", "properties.agentPoolProfiles[*].name", false)]
    [InlineData("properties.addonProfiles.azurepolicy.enabled", "properties.addonProfiles.azurePolicy.enabled", true)]
    [InlineData("properties.addon", "properties.addonProfiles", false)]
    public void Expression_paths_overlap_inputs_segment_by_segment(string input, string expression, bool overlaps) =>
        Assert.Equal(overlaps, TemplateExpressions.Overlaps(input, expression));

    [Theory]
    [InlineData("[parameters('x')]", true)]
    [InlineData("[[not an expression]", false)]
    [InlineData("10.0.0.0/24", false)]
    [InlineData("[", false)]
    public void Expressions_are_bracketed_strings(string value, bool expression) => Assert.Equal(expression, TemplateExpressions.IsExpression(value));
}
