using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Hardening;

/// <summary>Set-AksUpgradePolicy's change and Test-AksUpgradePolicy's evidence against the fake ARM's maintenance configurations and version list.</summary>
public sealed class UpgradePolicyApplyTests : IClassFixture<FakeArmFixture>
{
    private static readonly ClusterResourceId Open = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));
    private static readonly ClusterResourceId Private = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "private1"));

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public UpgradePolicyApplyTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
    }

    private static UpgradePolicyChange Policy(string? schedule = null) => new(new UpgradePolicyRequest
    {
        UpgradeChannel = "patch",
        NodeOSUpgradeChannel = "SecurityPatch",
        MaintenanceWindow = new MaintenanceWindowRequest { DayOfWeek = DayOfWeek.Sunday, StartTime = "01:00", DurationHours = 6, UtcOffset = "+01:00" },
        MaintenanceSchedules = schedule is null ? Array.Empty<string>() : new[] { schedule },
    });

    private async Task<ControlPlan> ApplyAsync(IClusterChange change, ClusterResourceId? id = null)
    {
        var runner = new ClusterChangeRunner(await _arm.ConnectAsync(_sink));
        var plan = await runner.PlanAsync(id ?? Open, change, _sink, CancellationToken.None);
        if (!plan.IsEmpty)
        {
            await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);
        }

        return plan;
    }

    private async Task<ClusterTestResult> TestAsync(ClusterResourceId id, params IEvidenceReader[] readers)
    {
        var evidence = await EvidenceCollector.CollectAsync(await _arm.ConnectAsync(_sink), id, readers, _sink, CancellationToken.None);
        return UpgradeChecks.Evaluate(evidence);
    }

    [Fact]
    public async Task Channels_and_both_windows_are_written_and_a_second_run_sends_nothing()
    {
        _arm.Server.ClearRequests();
        var plan = await ApplyAsync(Policy());

        Assert.Equal(2, plan.Resources.Count);
        Assert.Equal(new[]
        {
            Open.Id,
            $"{Open.Id}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule",
            $"{Open.Id}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule",
        }, _arm.Puts.Select(p => p.Path));
        Assert.All(_arm.Puts.Skip(1), p => Assert.Equal(201, p.Status));
        var stored = _arm.Server.GetResource($"{Open.Id}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule")!;
        Assert.Equal("{\"schedule\":{\"weekly\":{\"intervalWeeks\":1,\"dayOfWeek\":\"Sunday\"}},\"durationHours\":6,\"utcOffset\":\"+01:00\",\"startTime\":\"01:00\"}",
            JsonPaths.Display(stored["properties"]!["maintenanceWindow"]));
        Assert.Equal("patch", _arm.Server.GetCluster(Open.Id)!["properties"]!["autoUpgradeProfile"]!["upgradeChannel"]!.GetValue<string>());

        _arm.Server.ClearRequests();
        var again = await ApplyAsync(Policy());
        Assert.True(again.IsEmpty);
        Assert.Empty(_arm.Puts);
        // The cluster and the two configurations were read, nothing else about them.
        Assert.Equal(3, _arm.Server.Requests.Count(r => r.Method == "GET" && r.Path.StartsWith(Open.Id, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task An_existing_window_is_updated_in_place_keeping_its_blackout_dates()
    {
        // The published list's aksManagedAutoUpgradeSchedule: absoluteMonthly, with notAllowedDates and a startDate.
        var published = (JsonObject)ArmExamples.ResponseBody("MaintenanceConfigurationsList_MaintenanceWindow.json")["value"]![1]!;
        var id = $"{Open.Id}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule";
        _arm.Server.PutResource(id, published);
        _arm.Server.ClearRequests();

        var plan = await ApplyAsync(Policy("AutoUpgrade"));

        var write = Assert.Single(plan.Resources);
        Assert.StartsWith("Update maintenance configuration aksManagedAutoUpgradeSchedule", write.Describe());
        Assert.Equal(200, _arm.Puts.Single(p => p.Path == id).Status);
        var window = _arm.Server.GetResource(id)!["properties"]!["maintenanceWindow"]!;
        Assert.Null(window["schedule"]!["absoluteMonthly"]);
        Assert.Equal("Sunday", window["schedule"]!["weekly"]!["dayOfWeek"]!.GetValue<string>());
        Assert.Equal(2, window["notAllowedDates"]!.AsArray().Count);
        Assert.Equal("2023-01-01", window["startDate"]!.GetValue<string>());
        Assert.Null(_arm.Server.GetResource($"{Open.Id}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule"));
    }

    [Fact]
    public async Task A_failed_maintenance_write_is_an_error_after_the_cluster_change()
    {
        _arm.Server.InjectFault(new FaultRule { Method = "PUT", PathContains = "/maintenanceConfigurations/", Status = 403, ErrorCode = "AuthorizationFailed", Message = "no write on maintenanceConfigurations" });
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ApplyAsync(Policy("NodeOSUpgrade")));

        Assert.Equal(AksErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("patch", _arm.Server.GetCluster(Open.Id)!["properties"]!["autoUpgradeProfile"]!["upgradeChannel"]!.GetValue<string>());
    }

    [Fact]
    public async Task Test_reads_the_windows_and_the_regions_versions_online()
    {
        var before = await TestAsync(Open, new MaintenanceConfigurationReader(), new KubernetesVersionReader());
        Assert.Contains("AKS-UPG-003", before.Findings.Select(f => f.CheckId));
        var unsupported = before.Findings.First(f => f.CheckId == "AKS-UPG-004");
        Assert.Contains("1.9.6", unsupported.Evidence);
        Assert.Contains("is 1.23", unsupported.Evidence);
        Assert.Contains(_arm.Server.Requests, r => r.Path.EndsWith("/locations/location1/kubernetesVersions") && r.Query.Contains("api-version=2026-08-01"));
        Assert.Contains(_arm.Server.Requests, r => r.Path == $"{Open.Id}/maintenanceConfigurations" && r.Query.Contains("api-version=2026-08-01"));

        await ApplyAsync(Policy());
        var after = await TestAsync(Open, new MaintenanceConfigurationReader(), new KubernetesVersionReader());
        Assert.DoesNotContain("AKS-UPG-003", after.Findings.Select(f => f.CheckId));
        Assert.DoesNotContain("AKS-UPG-001", after.Findings.Select(f => f.CheckId));
        Assert.Contains("AKS-UPG-003", after.ChecksRun);
    }

    [Fact]
    public async Task One_reader_reads_a_regions_versions_once_for_many_clusters()
    {
        var reader = new KubernetesVersionReader();
        _arm.Server.ClearRequests();
        await TestAsync(Open, reader);
        await TestAsync(Private, reader);
        Assert.Single(_arm.Server.Requests, r => r.Path.EndsWith("/kubernetesVersions"));
    }
}
