using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;
using static AksSecurity.Engine.Tests.TestData.MonitoringDocuments;

namespace AksSecurity.Engine.Tests.Hardening;

/// <summary>Enable-/Test-AksMonitoring and Enable-/Test-AksDefender end to end against the fake ARM.</summary>
public sealed class MonitoringAndDefenderIntegrationTests : IClassFixture<FakeArmFixture>
{
    private static readonly ClusterResourceId Open = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));
    private static readonly ClusterResourceId InSub1 = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg3", "runcmd1", FakeArmFixture.Subscription1));
    private static readonly string SettingId = $"{Open.Id}/providers/Microsoft.Insights/diagnosticSettings/aks-security-audit";

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public MonitoringAndDefenderIntegrationTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
    }

    private async Task<(ClusterChangeRunner Runner, ArmConnection Connection)> RunnerAsync()
    {
        var connection = await _arm.ConnectAsync(_sink);
        _arm.Server.ClearRequests();
        return (new ClusterChangeRunner(connection), connection);
    }

    private static MonitoringChange Monitoring(params string[] additional) =>
        new(new MonitoringRequest { WorkspaceResourceId = Workspace, AdditionalLogCategories = additional });

    private IEnumerable<RecordedRequest> Writes => _arm.Server.Requests.Where(r => r.Method is "PUT" or "DELETE" or "PATCH");

    private int Gets(string pathContains) =>
        _arm.Server.Requests.Count(r => r.Method == "GET" && r.Path.Contains(pathContains, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task Monitoring_is_applied_with_if_match_and_a_second_run_sends_nothing()
    {
        var (runner, _) = await RunnerAsync();
        var change = Monitoring();
        var plan = await runner.PlanAsync(Open, change, _sink, CancellationToken.None);

        Assert.Equal(3, plan.ClusterPlan.Changes.Count);
        var setting = Assert.Single(plan.Resources);
        Assert.Equal(SettingId, setting.ResourceId);
        Assert.Contains("Create diagnostic setting 'aks-security-audit'", plan.Describe());
        Assert.Empty(Writes);

        await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);

        var clusterPut = Assert.Single(Writes, r => r.Path.EndsWith("/clustername1", StringComparison.OrdinalIgnoreCase));
        Assert.False(string.IsNullOrEmpty(clusterPut.Headers["If-Match"]));
        var settingPut = Assert.Single(Writes, r => r.Path.Contains("diagnosticSettings", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("api-version=2021-05-01-preview", settingPut.Query);
        var body = JsonNode.Parse(settingPut.Body!)!;
        Assert.Equal(Workspace, body["properties"]!["workspaceId"]!.GetValue<string>());
        Assert.Equal("Dedicated", body["properties"]!["logAnalyticsDestinationType"]!.GetValue<string>());
        var addon = _arm.Server.GetCluster(Open.Id)!["properties"]!["addonProfiles"]!["omsagent"]!;
        Assert.Equal(Workspace, addon["config"]!["logAnalyticsWorkspaceResourceID"]!.GetValue<string>());
        Assert.Equal("true", addon["config"]!["useAADAuth"]!.GetValue<string>());

        _arm.Server.ClearRequests();
        var again = await runner.PlanAsync(Open, Monitoring(), _sink, CancellationToken.None);
        Assert.True(again.IsEmpty, again.Describe());
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task A_setting_with_fewer_categories_is_updated_in_place()
    {
        _arm.Server.PutResource(SettingId, Setting("aks-security-audit", Workspace, "kube-audit-admin").Json);
        var (runner, _) = await RunnerAsync();
        var change = Monitoring("kube-apiserver");
        var plan = await runner.PlanAsync(Open, change, _sink, CancellationToken.None);

        var setting = Assert.Single(plan.Resources);
        Assert.StartsWith("Update diagnostic setting 'aks-security-audit'", setting.Describe());
        Assert.Single(setting.Describe().Split(Environment.NewLine)[1..], l => l.TrimStart().StartsWith("properties.logs:"));

        await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);

        var stored = _arm.Server.GetResource(SettingId)!;
        Assert.Equal(new[] { "kube-audit-admin", "guard", "kube-apiserver" }, ((JsonArray)stored["properties"]!["logs"]!).Select(l => l!["category"]!.GetValue<string>()));
        // The retention policy of the existing entry survives.
        Assert.NotNull(stored["properties"]!["logs"]![0]!["retentionPolicy"]);
    }

    [Fact]
    public async Task A_missing_workspace_is_object_not_found_and_nothing_is_written()
    {
        var (runner, _) = await RunnerAsync();
        var change = new MonitoringChange(new MonitoringRequest { WorkspaceResourceId = OtherWorkspace });

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => runner.PlanAsync(Open, change, _sink, CancellationToken.None));

        Assert.Equal(AksErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains("law-other", ex.Message);
        Assert.Equal(OtherWorkspace, ex.Target);
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task The_workspace_is_read_once_for_every_cluster_and_every_replan()
    {
        var (runner, _) = await RunnerAsync();
        var change = Monitoring();
        await runner.PlanAsync(Open, change, _sink, CancellationToken.None);
        await runner.PlanAsync(ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg2", "restricted1")), change, _sink, CancellationToken.None);

        Assert.Equal(1, Gets("/workspaces/law-security"));
    }

    [Fact]
    public async Task A_concurrent_change_before_the_put_is_kept_and_the_change_still_lands()
    {
        var (runner, _) = await RunnerAsync();
        var change = Monitoring();
        var plan = await runner.PlanAsync(Open, change, _sink, CancellationToken.None);
        var theirs = _arm.Server.GetCluster(Open.Id)!;
        theirs["tags"]!["owner"] = "platform-team";
        _arm.Server.PutCluster(theirs);

        await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);

        var final = _arm.Server.GetCluster(Open.Id)!;
        Assert.Equal("platform-team", final["tags"]!["owner"]!.GetValue<string>());
        Assert.True(final["properties"]!["addonProfiles"]!["omsagent"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(new[] { 412, 200 }, Writes.Where(r => r.Path.EndsWith("/clustername1", StringComparison.OrdinalIgnoreCase)).Select(r => r.Status));
        Assert.NotNull(_arm.Server.GetResource(SettingId));
    }

    [Fact]
    public async Task Test_reads_the_diagnostic_settings_online_and_passes_after_enabling()
    {
        var (runner, connection) = await RunnerAsync();
        var readers = new IEvidenceReader[] { new DiagnosticSettingsReader() };

        var before = MonitoringChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, readers, _sink, CancellationToken.None));
        Assert.Equal(new[] { "AKS-MON-001", "AKS-MON-002", "AKS-MON-006" }, before.Findings.Select(f => f.CheckId));
        Assert.Contains(_arm.Server.Requests, r => r.Path.EndsWith("/providers/Microsoft.Insights/diagnosticSettings", StringComparison.OrdinalIgnoreCase)
            && r.Query.Contains("api-version=2021-05-01-preview"));

        var change = new MonitoringChange(new MonitoringRequest { WorkspaceResourceId = Workspace, PrometheusMetrics = true });
        await runner.ApplyAsync(await runner.PlanAsync(Open, change, _sink, CancellationToken.None), change, _sink, CancellationToken.None);

        var after = MonitoringChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, readers, _sink, CancellationToken.None));
        Assert.True(after.Passed, string.Join("; ", after.Findings));
        Assert.Equal(6, after.ChecksRun.Count);
    }

    [Fact]
    public async Task A_category_group_counts_for_the_members_the_cluster_lists()
    {
        _arm.Server.PutResource($"{Open.Id}/providers/Microsoft.Insights/diagnosticSettings/by-group", Setting("by-group", Workspace, "group:audit").Json);
        var (_, connection) = await RunnerAsync();
        var readers = new IEvidenceReader[] { new DiagnosticSettingsReader() };

        // The categories list is empty in the fake: the group's members are unknown and are not counted.
        var unknown = MonitoringChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, readers, _sink, CancellationToken.None));
        Assert.Contains(unknown.Findings, f => f.CheckId == "AKS-MON-003" && f.Evidence.Contains("categoryGroup audit not counted"));

        // Shape of the spec's listDiagnosticSettingsCategories.json example.
        foreach (var (name, groups) in new[] { ("kube-audit-admin", new[] { "audit", "allLogs" }), ("guard", new[] { "audit", "allLogs" }), ("kube-apiserver", new[] { "allLogs" }) })
        {
            _arm.Server.PutResource($"{Open.Id}/providers/Microsoft.Insights/diagnosticSettingsCategories/{name}", new JsonObject
            {
                ["name"] = name,
                ["type"] = "microsoft.insights/diagnosticSettingsCategories",
                ["properties"] = new JsonObject { ["categoryType"] = "Logs", ["categoryGroups"] = new JsonArray(groups.Select(g => (JsonNode)g).ToArray()) },
            });
        }

        var known = MonitoringChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, readers, _sink, CancellationToken.None));
        Assert.DoesNotContain(known.Findings, f => f.CheckId is "AKS-MON-002" or "AKS-MON-003" or "AKS-MON-004" or "AKS-MON-005");
        Assert.Contains(known.ChecksRun, id => id == "AKS-MON-003");
    }

    [Fact]
    public async Task Defender_sensor_is_enabled_once_and_the_plan_is_only_read()
    {
        var (runner, connection) = await RunnerAsync();
        var readers = new IEvidenceReader[] { new DefenderPlanReader() };
        var before = DefenderChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, readers, _sink, CancellationToken.None));
        // Subscription 0's Containers plan is Standard in the fake's seed.
        Assert.Equal(new[] { "AKS-DEF-001", "AKS-DEF-003" }, before.Findings.Select(f => f.CheckId));

        var change = new DefenderChange(Workspace);
        var plan = await runner.PlanAsync(Open, change, _sink, CancellationToken.None);
        Assert.Empty(plan.Warnings);
        Assert.Empty(plan.Resources);
        await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);

        var defender = _arm.Server.GetCluster(Open.Id)!["properties"]!["securityProfile"]!["defender"]!;
        Assert.True(defender["securityMonitoring"]!["enabled"]!.GetValue<bool>());
        Assert.Equal(Workspace, defender["logAnalyticsWorkspaceResourceId"]!.GetValue<string>());
        Assert.DoesNotContain(Writes, r => r.Path.Contains("Microsoft.Security", StringComparison.OrdinalIgnoreCase));

        _arm.Server.ClearRequests();
        Assert.True((await runner.PlanAsync(Open, new DefenderChange(Workspace), _sink, CancellationToken.None)).IsEmpty);
        Assert.Empty(Writes);
        Assert.True(DefenderChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, readers, _sink, CancellationToken.None)).Passed);
    }

    [Fact]
    public async Task A_free_plan_is_a_warning_read_once_per_subscription_and_never_changed()
    {
        var (runner, connection) = await RunnerAsync();
        var change = new DefenderChange(Workspace);
        var first = await runner.PlanAsync(InSub1, change, _sink, CancellationToken.None);
        await runner.PlanAsync(InSub1, change, _sink, CancellationToken.None);

        Assert.Contains(first.Warnings, w => w.Contains($"subscription {FakeArmFixture.Subscription1} is off (pricingTier Free)"));
        Assert.Equal(1, Gets("/pricings/Containers"));
        await runner.ApplyAsync(first, change, _sink, CancellationToken.None);
        Assert.Equal("Free", _arm.Server.GetResource($"/subscriptions/{FakeArmFixture.Subscription1}/providers/Microsoft.Security/pricings/Containers")!["properties"]!["pricingTier"]!.GetValue<string>());

        var result = DefenderChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, InSub1, new IEvidenceReader[] { new DefenderPlanReader() }, _sink, CancellationToken.None));
        Assert.Equal("AKS-DEF-002", Assert.Single(result.Findings).CheckId);
    }

    [Fact]
    public async Task An_unreadable_plan_or_settings_warn_and_leave_those_checks_out()
    {
        var connection = await _arm.ConnectAsync(_sink);
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/pricings/", Times = 5, Action = FaultAction.Status, Status = 403, ErrorCode = "AuthorizationFailed", Message = "no read" });
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/diagnosticSettings", Times = 5, Action = FaultAction.Status, Status = 403, ErrorCode = "AuthorizationFailed", Message = "no read" });

        var defender = DefenderChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, new IEvidenceReader[] { new DefenderPlanReader() }, _sink, CancellationToken.None));
        var monitoring = MonitoringChecks.Evaluate(await EvidenceCollector.CollectAsync(connection, Open, new IEvidenceReader[] { new DiagnosticSettingsReader() }, _sink, CancellationToken.None));

        Assert.Equal(new[] { "AKS-DEF-001" }, defender.ChecksRun);
        Assert.Equal(new[] { "AKS-MON-001", "AKS-MON-006" }, monitoring.ChecksRun);
        Assert.Equal(2, _sink.Of("warning").Count(w => w.Contains("could not be read")));
    }
}
