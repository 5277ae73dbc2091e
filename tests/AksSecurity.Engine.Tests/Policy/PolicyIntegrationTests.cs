using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Policy;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Policy;

/// <summary>Set-AksPolicyInitiative's plan and apply, Test-AksPolicy's evidence and the compliance summary against the fake ARM.</summary>
public sealed class PolicyIntegrationTests : IClassFixture<FakeArmFixture>
{
    private static readonly ClusterResourceId Cluster = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));
    private static readonly string Assignments = Cluster.Id + "/providers/Microsoft.Authorization/policyAssignments";
    private static readonly string BaselineAssignment = Assignments + "/aks-pod-security-baseline";
    private static readonly string RestrictedAssignment = Assignments + "/aks-pod-security-restricted";

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public PolicyIntegrationTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
        arm.Server.Options.LroPollsBeforeDone = 1;
    }

    private async Task<ClusterChangeRunner> RunnerAsync()
    {
        var runner = new ClusterChangeRunner(await _arm.ConnectAsync(_sink));
        _arm.Server.ClearRequests();
        return runner;
    }

    private async Task<ControlPlan> ApplyAsync(PolicyInitiativeRequest request)
    {
        var runner = await RunnerAsync();
        var change = new PolicyInitiativeChange(request);
        var plan = await runner.PlanAsync(Cluster, change, _sink, CancellationToken.None);
        await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);
        return plan;
    }

    private IReadOnlyList<RecordedRequest> Writes => _arm.Server.Requests.Where(r => r.Method is "PUT" or "DELETE").ToList();

    private IEnumerable<string> AssignmentIdsAtCluster =>
        _arm.Server.ResourceIds.Where(id => id.StartsWith(Assignments + "/", StringComparison.OrdinalIgnoreCase));

    private void Seed(string id, string definitionId, JsonObject? parameters = null) =>
        _arm.Server.PutResource(id, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["policyDefinitionId"] = definitionId,
                ["parameters"] = parameters ?? new JsonObject(),
                ["scope"] = id[..id.IndexOf("/providers/Microsoft.Authorization", StringComparison.OrdinalIgnoreCase)],
            },
        });

    [Fact]
    public async Task The_addon_is_turned_on_with_if_match_then_the_assignment_is_created_and_a_second_run_writes_nothing()
    {
        var request = new PolicyInitiativeRequest { Initiative = "Baseline", Effect = "Deny" };
        var plan = await ApplyAsync(request);
        Assert.Contains("properties.addonProfiles.azurepolicy.enabled: (absent) -> true", plan.Describe());

        var writes = Writes;
        Assert.Equal(new[] { "PUT", "PUT" }, writes.Select(w => w.Method));
        Assert.Equal(Cluster.Id, writes[0].Path, ignoreCase: true);
        Assert.True(writes[0].Headers.ContainsKey("If-Match"));
        Assert.Equal(BaselineAssignment, writes[1].Path, ignoreCase: true);
        Assert.Contains("api-version=2025-01-01", writes[1].Query);
        var list = Assert.Single(_arm.Server.Requests, r => r.Method == "GET" && r.Path.EndsWith("/policyAssignments", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("atScope()", Uri.UnescapeDataString(list.Query));

        Assert.True(JsonPaths.GetBool(_arm.Server.GetCluster(Cluster.Id), "properties.addonProfiles.azurepolicy.enabled"));
        var stored = _arm.Server.GetResource(BaselineAssignment)!;
        Assert.Equal(PodSecurityInitiative.Baseline.PolicySetDefinitionId, JsonPaths.GetString(stored, "properties.policyDefinitionId"));
        Assert.Equal("Deny", JsonPaths.GetString(stored, "properties.parameters.effect.value"));

        var again = await ApplyAsync(request);
        Assert.True(again.IsEmpty, again.Describe());
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task An_assignment_of_the_initiative_at_the_cluster_is_updated_in_place()
    {
        var portal = Assignments + "/portal-baseline";
        Seed(portal, PodSecurityInitiative.Baseline.PolicySetDefinitionId, new JsonObject { ["effect"] = new JsonObject { ["value"] = "Audit" } });
        await ApplyAsync(new() { Initiative = "Baseline", Effect = "Deny" });

        var put = Assert.Single(Writes, w => w.Path.Contains("policyAssignments", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(portal, put.Path, ignoreCase: true);
        Assert.Equal(new[] { portal }, AssignmentIdsAtCluster, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("Deny", JsonPaths.GetString(_arm.Server.GetResource(portal), "properties.parameters.effect.value"));
    }

    [Fact]
    public async Task Switching_initiative_deletes_ours_and_remove_takes_the_last_one_away()
    {
        await ApplyAsync(new() { Initiative = "Baseline" });
        var plan = await ApplyAsync(new() { Initiative = "Restricted", Effect = "Audit", RequiredDropCapabilities = new[] { "ALL" } });
        Assert.Contains(plan.Warnings, w => w.Contains("which is deleted"));
        Assert.Contains($"Delete policy assignment 'aks-pod-security-baseline'", plan.Describe());
        Assert.Equal(new[] { "PUT", "DELETE" }, Writes.Select(w => w.Method));
        Assert.Equal(new[] { RestrictedAssignment }, AssignmentIdsAtCluster, StringComparer.OrdinalIgnoreCase);

        await ApplyAsync(new() { Initiative = "Restricted", Remove = true });
        var delete = Assert.Single(Writes);
        Assert.Equal("DELETE", delete.Method);
        Assert.Equal(RestrictedAssignment, delete.Path, ignoreCase: true);
        Assert.Empty(AssignmentIdsAtCluster);
        Assert.True(_arm.Server.GetCluster(Cluster.Id)!["properties"]!["addonProfiles"]!["azurepolicy"]!["enabled"]!.GetValue<bool>());

        Assert.True((await ApplyAsync(new() { Initiative = "Restricted", Remove = true })).IsEmpty);
    }

    [Fact]
    public async Task The_kube_system_guard_stops_before_any_write()
    {
        var runner = await RunnerAsync();
        var change = new PolicyInitiativeChange(new() { Initiative = "Baseline", Effect = "Deny", ExcludedNamespaces = Array.Empty<string>() });
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => runner.PlanAsync(Cluster, change, _sink, CancellationToken.None));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task A_412_on_the_addon_update_re_plans_and_the_assignment_still_follows()
    {
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/managedClusters/clustername1", Times = 1, Action = FaultAction.ConcurrentWrite, JsonPath = "tags.owner", Value = JsonValue.Create("racer") });
        await ApplyAsync(new() { Initiative = "Baseline" });

        Assert.Equal(new[] { 412, 200 }, _arm.Server.Requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("clustername1", StringComparison.OrdinalIgnoreCase)).Select(r => r.Status));
        Assert.Equal("racer", _arm.Server.GetCluster(Cluster.Id)!["tags"]!["owner"]!.GetValue<string>());
        Assert.NotNull(_arm.Server.GetResource(BaselineAssignment));
    }

    [Fact]
    public async Task The_evidence_holds_assignments_at_the_cluster_and_its_ancestors_from_one_list_call()
    {
        Seed($"/subscriptions/{FakeArmFixture.Subscription0}/providers/Microsoft.Authorization/policyAssignments/sub-baseline", PodSecurityInitiative.Baseline.PolicySetDefinitionId);
        Seed($"/subscriptions/{FakeArmFixture.Subscription0}/resourceGroups/rg2/providers/Microsoft.Authorization/policyAssignments/other-group", PodSecurityInitiative.Restricted.PolicySetDefinitionId);
        var connection = await _arm.ConnectAsync(_sink);
        _arm.Server.ClearRequests();

        var evidence = await EvidenceCollector.CollectAsync(connection, Cluster, new IEvidenceReader[] { new PolicyAssignmentReader() }, _sink, CancellationToken.None);

        Assert.Equal(new[] { "sub-baseline" }, evidence.PolicyAssignments!.Select(a => a.Name));
        Assert.Single(_arm.Server.Requests, r => r.Path.Contains("policyAssignments", StringComparison.OrdinalIgnoreCase));
        var result = PolicyChecks.Evaluate(evidence, new PolicyCheckOptions { RequiredEffect = "Deny", RequiredInitiative = "Restricted" });
        Assert.Equal(new[] { "AKS-POL-001", "AKS-POL-004", "AKS-POL-003" }, result.Findings.Select(f => f.CheckId));
    }

    [Fact]
    public async Task The_compliance_summary_is_read_with_a_post_at_the_cluster()
    {
        var connection = await _arm.ConnectAsync(_sink);
        _arm.Server.ClearRequests();
        var summary = await PolicyCompliance.SummarizeAsync(connection, Cluster, _sink, CancellationToken.None);

        var post = Assert.Single(_arm.Server.Requests);
        Assert.Equal("POST", post.Method);
        Assert.Equal(Cluster.Id + "/providers/Microsoft.PolicyInsights/policyStates/latest/summarize", post.Path, ignoreCase: true);
        Assert.Contains("api-version=2024-10-01", post.Query);
        Assert.Equal(Cluster.Id, summary.ClusterId);
        Assert.Equal(1, summary.NonCompliantResources);
        Assert.Equal(14, summary.NonCompliantPolicies);
        Assert.Equal(2, summary.Assignments.Count);
    }
}
