using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Hardening;

/// <summary>The cluster-only changes of this area applied to the fake ARM through ClusterChangeRunner, as the cmdlets do.</summary>
public sealed class ClusterConfigurationApplyTests : IClassFixture<FakeArmFixture>
{
    private static readonly ClusterResourceId Open = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public ClusterConfigurationApplyTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
    }

    private async Task<(ControlPlan Plan, ApplyResult? Result)> RunAsync(IClusterChange change)
    {
        var runner = new ClusterChangeRunner(await _arm.ConnectAsync(_sink));
        var plan = await runner.PlanAsync(Open, change, _sink, CancellationToken.None);
        return plan.IsEmpty ? (plan, null) : (plan, await runner.ApplyAsync(plan, change, _sink, CancellationToken.None));
    }

    [Fact]
    public async Task Workload_identity_is_sent_with_if_match_and_a_second_run_sends_nothing()
    {
        _arm.Server.ClearRequests();
        var (plan, result) = await RunAsync(new WorkloadIdentityChange());

        Assert.Equal(2, plan.ClusterPlan.Changes.Count);
        var put = Assert.Single(_arm.Puts);
        Assert.False(string.IsNullOrEmpty(put.Headers["If-Match"]));
        var sent = JsonNode.Parse(put.Body!)!;
        Assert.True(sent["properties"]!["oidcIssuerProfile"]!["enabled"]!.GetValue<bool>());
        Assert.True(sent["properties"]!["securityProfile"]!["workloadIdentity"]!["enabled"]!.GetValue<bool>());
        Assert.True(result!.Cluster.View.WorkloadIdentityEnabled);

        _arm.Server.ClearRequests();
        var (again, _) = await RunAsync(new WorkloadIdentityChange());
        Assert.True(again.IsEmpty);
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task A_412_during_apply_reads_and_plans_again_and_keeps_the_other_change()
    {
        var runner = new ClusterChangeRunner(await _arm.ConnectAsync(_sink));
        var change = new ImageCleanerChange(48);
        var plan = await runner.PlanAsync(Open, change, _sink, CancellationToken.None);
        var theirs = _arm.Server.GetCluster(Open.Id)!;
        theirs["tags"]!["owner"] = "platform-team";
        _arm.Server.PutCluster(theirs);
        _arm.Server.ClearRequests();

        var result = await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);

        Assert.Equal(new[] { 412, 200 }, _arm.Puts.Select(p => p.Status));
        var final = _arm.Server.GetCluster(Open.Id)!;
        Assert.Equal("platform-team", final["tags"]!["owner"]!.GetValue<string>());
        Assert.Equal(48, final["properties"]!["securityProfile"]!["imageCleaner"]!["intervalHours"]!.GetValue<int>());
        Assert.True(result.Changed);
    }

    [Fact]
    public async Task Restriction_level_and_legacy_add_ons_round_trip()
    {
        var seeded = _arm.Server.GetCluster(Open.Id)!;
        seeded["properties"]!["addonProfiles"] = new JsonObject { ["kubeDashboard"] = new JsonObject { ["enabled"] = true } };
        _arm.Server.PutCluster(seeded);

        await RunAsync(new NodeResourceGroupRestrictionChange("ReadOnly"));
        await RunAsync(new LegacyAddonChange(Array.Empty<string>()));

        var final = _arm.Server.GetCluster(Open.Id)!;
        Assert.Equal("ReadOnly", final["properties"]!["nodeResourceGroupProfile"]!["restrictionLevel"]!.GetValue<string>());
        Assert.False(final["properties"]!["addonProfiles"]!["kubeDashboard"]!["enabled"]!.GetValue<bool>());
        _arm.Server.ClearRequests();
        Assert.True((await RunAsync(new LegacyAddonChange(Array.Empty<string>()))).Plan.IsEmpty);
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task Upgrade_channels_alone_write_the_cluster_and_nothing_beside_it()
    {
        _arm.Server.ClearRequests();
        var (plan, result) = await RunAsync(new UpgradePolicyChange(new UpgradePolicyRequest { UpgradeChannel = "stable", NodeOSUpgradeChannel = "SecurityPatch" }));

        Assert.Empty(plan.Resources);
        Assert.Equal(new[] { Open.Id }, _arm.Puts.Select(p => p.Path));
        Assert.Equal("stable", result!.Cluster.View.UpgradeChannel);
        Assert.Equal("SecurityPatch", result.Cluster.View.NodeOSUpgradeChannel);
    }
}
