using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

/// <summary>The audit against the fake ARM: evidence read beside live clusters, and the fleet through Resource Graph.</summary>
public sealed class SecurityAuditOnlineTests : IClassFixture<FakeArmFixture>
{
    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public SecurityAuditOnlineTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
    }

    private async Task<ArmConnection> ConnectAsync()
    {
        var connection = await _arm.ConnectAsync(_sink);
        _arm.Server.ClearRequests();
        return connection;
    }

    [Fact]
    public async Task A_live_cluster_is_audited_with_every_kind_of_evidence_beside_it()
    {
        var id = FakeArmFixture.ClusterId("rg1", "clustername1");
        _arm.Server.PutResource($"{id}/maintenanceConfigurations/aksManagedAutoUpgradeSchedule", new JsonObject
        {
            ["properties"] = new JsonObject { ["maintenanceWindow"] = new JsonObject { ["durationHours"] = 4 } },
        });
        var connection = await ConnectAsync();
        var audit = new SecurityAudit();

        var result = await audit.EvaluateAsync(connection, ClusterResourceId.Parse(id), audit.CreateReaders(), _sink, CancellationToken.None);

        Assert.Equal(id, result.ClusterId);
        Assert.DoesNotContain(result.Skipped, s => s.Reason.StartsWith("Needs"));
        // No assignment, no diagnostic setting: the fake seeds none. Sub0's Containers plan is Standard; the cluster has no sensor.
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-POL-002");
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-MON-002");
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-DEF-003");
        Assert.Contains(result.Findings, f => f.CheckId == "AKS-UPG-004");
        Assert.All(_arm.Server.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task The_fleet_is_listed_once_audited_concurrently_and_reported_as_clusters_done_of_the_total()
    {
        var connection = await ConnectAsync();
        var audit = new SecurityAudit();

        var outcomes = new List<string>();
        await foreach (var outcome in audit.EvaluateFleetAsync(connection, null, throttleLimit: 3, _sink, CancellationToken.None))
        {
            Assert.True(outcome.Succeeded, outcome.Error?.Message);
            outcomes.Add(outcome.Result!.ClusterId);
        }

        Assert.Equal(_arm.Server.ClusterIds.Order(StringComparer.OrdinalIgnoreCase), outcomes.Order(StringComparer.OrdinalIgnoreCase));
        var progress = _sink.Of("progress").Where(p => p.StartsWith("Auditing clusters")).ToList();
        Assert.Equal("Auditing clusters: 0 of 4 clusters", progress[0]);
        Assert.Equal("Auditing clusters: 4 of 4 clusters", progress[^1]);
        // Documents come from Resource Graph: no cluster GET. Plan and versions are read once per subscription.
        Assert.DoesNotContain(_arm.Server.Requests, r => r.Method == "GET" && r.Path.EndsWith("/clustername1", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, _arm.Server.Requests.Count(r => r.Path.EndsWith("/pricings/Containers", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(2, _arm.Server.Requests.Count(r => r.Path.EndsWith("/kubernetesVersions", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(4, _arm.Server.Requests.Count(r => r.Path.EndsWith("/diagnosticSettings", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_document_only_selection_reads_nothing_beside_the_clusters()
    {
        var connection = await ConnectAsync();
        var audit = new SecurityAudit(new AuditSelection { Categories = new[] { CheckCategory.ApiServer } });

        await foreach (var outcome in audit.EvaluateFleetAsync(connection, new[] { FakeArmFixture.Subscription1 }, 4, _sink, CancellationToken.None))
        {
            Assert.Equal("runcmd1", outcome.Result!.ClusterName);
        }

        Assert.All(_arm.Server.Requests, r => Assert.Equal("/providers/Microsoft.ResourceGraph/resources", r.Path));
    }
}
