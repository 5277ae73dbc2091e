using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Hardening;

/// <summary>Enable-AksAadRbac's and Enable-AksKeyVaultCsi's changes through ClusterChangeRunner against the fake ARM.</summary>
public sealed class AadRbacAndKeyVaultApplyTests : IClassFixture<FakeArmFixture>
{
    // Kubernetes RBAC on, no aadProfile, no add-ons.
    private static readonly ClusterResourceId Private = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "private1"));
    // enableRBAC false.
    private static readonly ClusterResourceId Open = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public AadRbacAndKeyVaultApplyTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
    }

    private async Task<ClusterChangeRunner> RunnerAsync()
    {
        var runner = new ClusterChangeRunner(await _arm.ConnectAsync(_sink));
        _arm.Server.ClearRequests();
        return runner;
    }

    private async Task<ApplyResult> ApplyAsync(ClusterChangeRunner runner, ClusterResourceId id, IClusterChange change)
    {
        var plan = await runner.PlanAsync(id, change, _sink, CancellationToken.None);
        return await runner.ApplyAsync(plan, change, _sink, CancellationToken.None);
    }

    private static AadRbacChange Entra() => new(new AadRbacRequest
    {
        AdminGroupObjectIds = new[] { EntraClusters.GroupA },
        EnableAzureRbac = true,
        DisableLocalAccounts = true,
    });

    [Fact]
    public async Task Entra_settings_are_put_with_if_match_and_a_second_run_sends_nothing()
    {
        var runner = await RunnerAsync();
        var etag = _arm.Server.GetCluster(Private.Id)!["eTag"]!.GetValue<string>();

        var result = await ApplyAsync(runner, Private, Entra());

        Assert.True(result.Changed);
        var put = Assert.Single(_arm.Puts);
        Assert.Equal(etag, put.Headers["If-Match"]);
        var sent = (JsonObject)JsonNode.Parse(put.Body!)!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"managed": true, "enableAzureRBAC": true, "adminGroupObjectIDs": ["{{EntraClusters.GroupA}}"]}"""),
            sent["properties"]!["aadProfile"]));
        Assert.True(sent["properties"]!["disableLocalAccounts"]!.GetValue<bool>());
        Assert.True(result.Cluster.View.ManagedEntraId);
        Assert.True(result.Cluster.View.LocalAccountsDisabled);

        _arm.Server.ClearRequests();
        var again = await runner.PlanAsync(Private, Entra(), _sink, CancellationToken.None);
        Assert.True(again.IsEmpty, again.Describe());
        Assert.False((await runner.ApplyAsync(again, Entra(), _sink, CancellationToken.None)).Changed);
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task A_cluster_without_kubernetes_rbac_is_refused_before_any_put()
    {
        var runner = await RunnerAsync();
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => runner.PlanAsync(Open, Entra(), _sink, CancellationToken.None));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task The_lockout_guard_stops_the_change_before_any_put()
    {
        var runner = await RunnerAsync();
        var change = new AadRbacChange(new AadRbacRequest { DisableLocalAccounts = true });
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => runner.PlanAsync(Private, change, _sink, CancellationToken.None));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task A_concurrent_writers_change_survives_an_entra_change()
    {
        var runner = await RunnerAsync();
        // Someone tags the cluster right after our read: our PUT carries a stale eTag.
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/managedClusters/private1", Times = 1, Action = FaultAction.ConcurrentWrite, JsonPath = "tags.owner", Value = JsonValue.Create("platform-team") });

        var result = await ApplyAsync(runner, Private, Entra());

        Assert.Equal(new[] { 412, 200 }, _arm.Puts.Select(p => p.Status));
        var final = _arm.Server.GetCluster(Private.Id)!;
        Assert.Equal("platform-team", final["tags"]!["owner"]!.GetValue<string>());
        Assert.True(result.Cluster.View.ManagedEntraId);
        Assert.Equal(new[] { EntraClusters.GroupA }, result.Cluster.View.AdminGroupObjectIds);
        Assert.Contains(_sink.Of("warning"), w => w.Contains("changed by someone else"));
    }

    [Fact]
    public async Task The_addon_is_put_in_the_services_shape_and_a_second_run_sends_nothing()
    {
        var runner = await RunnerAsync();
        var change = new KeyVaultCsiChange(new KeyVaultCsiRequest { EnableSecretRotation = true, RotationPollInterval = "00:05:00" });

        var result = await ApplyAsync(runner, Open, change);

        var sent = (JsonObject)JsonNode.Parse(Assert.Single(_arm.Puts).Body!)!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": "true", "rotationPollInterval": "5m"}}}"""),
            sent["properties"]!["addonProfiles"]));
        Assert.True(result.Cluster.View.KeyVaultSecretsProviderEnabled);

        _arm.Server.ClearRequests();
        var again = await runner.PlanAsync(Open, new KeyVaultCsiChange(new KeyVaultCsiRequest { EnableSecretRotation = true, RotationPollInterval = "300s" }), _sink, CancellationToken.None);
        Assert.True(again.IsEmpty, again.Describe());
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task A_concurrent_writer_who_enabled_the_addon_under_another_spelling_keeps_one_key()
    {
        var runner = await RunnerAsync();
        _arm.Server.InjectFault(new FaultRule
        {
            Method = "GET", PathContains = "/managedClusters/clustername1", Times = 1, Action = FaultAction.ConcurrentWrite,
            JsonPath = "properties.addonProfiles.azurekeyvaultsecretsprovider", Value = JsonNode.Parse("""{"enabled": true, "config": {"enableSecretRotation": "false"}}"""),
        });

        var result = await ApplyAsync(runner, Open, new KeyVaultCsiChange(new KeyVaultCsiRequest { EnableSecretRotation = true }));

        Assert.Equal(new[] { 412, 200 }, _arm.Puts.Select(p => p.Status));
        var addons = _arm.Server.GetCluster(Open.Id)!["properties"]!["addonProfiles"]!.AsObject();
        // Their key, their enabled add-on, our rotation: nothing of theirs lost, no second key.
        Assert.Equal(new[] { "azurekeyvaultsecretsprovider" }, addons.Select(a => a.Key));
        Assert.Equal("true", addons["azurekeyvaultsecretsprovider"]!["config"]!["enableSecretRotation"]!.GetValue<string>());
        Assert.True(result.Cluster.View.SecretRotationEnabled);
    }

    [Fact]
    public async Task Disable_turns_the_addon_off_and_again_is_no_change()
    {
        var runner = await RunnerAsync();
        await ApplyAsync(runner, Open, new KeyVaultCsiChange(new KeyVaultCsiRequest()));
        _arm.Server.ClearRequests();

        var result = await ApplyAsync(runner, Open, new KeyVaultCsiChange(new KeyVaultCsiRequest { Disable = true }));
        Assert.False(result.Cluster.View.KeyVaultSecretsProviderEnabled);
        Assert.Equal("2m", result.Cluster.View.RotationPollInterval);
        Assert.Single(_arm.Puts);

        _arm.Server.ClearRequests();
        Assert.True((await runner.PlanAsync(Open, new KeyVaultCsiChange(new KeyVaultCsiRequest { Disable = true }), _sink, CancellationToken.None)).IsEmpty);
        Assert.Empty(_arm.Puts);
    }
}
