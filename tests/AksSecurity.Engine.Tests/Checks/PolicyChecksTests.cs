using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Policy;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class PolicyChecksTests
{
    private static readonly string BaselineId = PodSecurityInitiative.Baseline.PolicySetDefinitionId;
    private static readonly string RestrictedId = PodSecurityInitiative.Restricted.PolicySetDefinitionId;
    private const string SubscriptionScope = "/subscriptions/00000000-0000-0000-0000-000000000000";

    private static ClusterEvidence Evidence(bool addon, params PolicyAssignment[]? assignments)
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        if (addon)
        {
            cluster.Root["properties"]!["addonProfiles"] = new JsonObject { ["azurePolicy"] = new JsonObject { ["enabled"] = true } };
        }

        return new ClusterEvidence(cluster, online: assignments is not null) { PolicyAssignments = assignments };
    }

    private static PolicyAssignment Assigned(string definitionId, string? effect = null, string enforcementMode = "Default", string scope = SubscriptionScope) =>
        PolicyFixtures.Assignment(scope, "pod-security", definitionId,
            effect is null ? null : PolicyFixtures.Parameters(("effect", effect)), enforcementMode);

    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    [Fact]
    public void Offline_only_the_addon_is_checked()
    {
        var result = PolicyChecks.Evaluate(new ClusterEvidence(ExampleClusters.Load("dev-open.json"), online: false));
        Assert.Equal(new[] { "AKS-POL-001" }, result.ChecksRun);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("properties.addonProfiles.azurepolicy.enabled", finding.JsonPath);
        Assert.Contains("properties.addonProfiles.azurepolicy.enabled is (absent)", finding.Evidence);
        Assert.StartsWith("Set-AksPolicyInitiative -Id '/subscriptions/", finding.Remediation);
    }

    [Fact]
    public void The_addon_is_read_whatever_the_key_spelling()
    {
        var result = PolicyChecks.Evaluate(Evidence(addon: true, Assigned(BaselineId)));
        Assert.True(result.Passed, string.Join("; ", result.Findings));
        Assert.Equal(new[] { "AKS-POL-001", "AKS-POL-002", "AKS-POL-003" }, result.ChecksRun);
    }

    [Fact]
    public void No_pod_security_initiative_anywhere_above_the_cluster_is_reported()
    {
        var unrelated = PolicyFixtures.Assignment(SubscriptionScope, "EnforceNaming", "/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2/providers/Microsoft.Authorization/policyDefinitions/ResourceNaming");
        var result = PolicyChecks.Evaluate(Evidence(addon: true, unrelated));
        var finding = Assert.Single(result.Findings);
        Assert.Equal("AKS-POL-002", finding.CheckId);
        Assert.Contains("None of the 1 policy assignment(s)", finding.Evidence);
        Assert.Contains(BaselineId, finding.Evidence);
        Assert.DoesNotContain("AKS-POL-003", result.ChecksRun);
    }

    [Theory]
    [InlineData("Audit", "Default", true)]
    [InlineData("deny", "DoNotEnforce", true)]
    [InlineData("Deny", "Default", false)]
    [InlineData(null, "Default", true)]
    public void Deny_when_required_must_be_the_enforced_effect(string? effect, string mode, bool reported)
    {
        var result = PolicyChecks.Evaluate(Evidence(addon: true, Assigned(BaselineId, effect, mode)), new PolicyCheckOptions { RequiredEffect = "Deny" });
        Assert.Equal(reported, Ids(result).Contains("AKS-POL-003"));
        if (reported)
        {
            var finding = result.Findings.Single(f => f.CheckId == "AKS-POL-003");
            Assert.Contains("properties.enforcementMode is " + mode, finding.Evidence);
            Assert.EndsWith("-Initiative Baseline -Effect Deny", finding.Remediation);
        }
    }

    [Fact]
    public void A_disabled_initiative_fails_even_the_default_audit_requirement()
    {
        var result = PolicyChecks.Evaluate(Evidence(addon: true, Assigned(RestrictedId, "Disabled")));
        var finding = Assert.Single(result.Findings);
        Assert.Equal("AKS-POL-003", finding.CheckId);
        Assert.Equal("Pod security initiative is disabled", finding.Title);
        Assert.Contains("properties.parameters.effect.value is \"Disabled\"", finding.Evidence);
    }

    [Fact]
    public void Baseline_where_restricted_is_required_is_reported()
    {
        var options = new PolicyCheckOptions { RequiredInitiative = "Restricted", RequiredEffect = "Deny" };
        var result = PolicyChecks.Evaluate(Evidence(addon: true, Assigned(BaselineId, "Deny")), options);
        Assert.Equal(new[] { "AKS-POL-004" }, Ids(result));
        Assert.Contains(RestrictedId, result.Findings[0].Evidence);
        Assert.Contains("-Initiative Restricted -Effect Deny", result.Findings[0].Remediation);

        // Restricted at the cluster with Audit beside baseline Deny at the subscription: the restricted effect is what counts.
        var clusterScope = ExampleClusters.Load("dev-open.json").View.Id;
        var both = PolicyChecks.Evaluate(Evidence(addon: true, Assigned(BaselineId, "Deny"), Assigned(RestrictedId, "Audit", scope: clusterScope)), options);
        Assert.Equal(new[] { "AKS-POL-003" }, Ids(both));
    }

    [Fact]
    public void Baseline_required_does_not_run_the_restricted_check()
    {
        var result = PolicyChecks.Evaluate(Evidence(addon: true, Assigned(BaselineId)));
        Assert.DoesNotContain("AKS-POL-004", result.ChecksRun);
    }

    [Fact]
    public void Bad_options_are_invalid_arguments()
    {
        var evidence = Evidence(addon: true, Assigned(BaselineId));
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => PolicyChecks.Evaluate(evidence, new PolicyCheckOptions { RequiredEffect = "Disabled" })).Kind);
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => PolicyChecks.Evaluate(evidence, new PolicyCheckOptions { RequiredInitiative = "Privileged" })).Kind);
    }
}
