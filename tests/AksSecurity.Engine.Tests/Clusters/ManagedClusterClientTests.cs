using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Clusters;

/// <summary>Read–plan–apply against the fake ARM: what is sent, what survives, and how faults end.</summary>
public sealed class ManagedClusterClientTests : IClassFixture<FakeArmFixture>
{
    private static readonly ClusterResourceId Open = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));
    private static readonly ClusterResourceId Restricted = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg2", "restricted1"));

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public ManagedClusterClientTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
        arm.Server.Options.LroPollsBeforeDone = 1;
        arm.Server.Options.LroFinalStatus = "Succeeded";
        arm.Server.Options.PageSize = 100;
    }

    private async Task<ManagedClusterClient> ClientAsync()
    {
        var client = new ManagedClusterClient(await _arm.ConnectAsync(_sink));
        _arm.Server.ClearRequests();
        return client;
    }

    private static ApiServerAccessChange Ranges(params string[] ranges) =>
        new(new ApiServerAccessRequest { AuthorizedIpRanges = ranges, Force = true });

    private async Task<ApplyResult> ApplyAsync(ManagedClusterClient client, ClusterResourceId id, IClusterChange change)
    {
        var (current, _) = await client.PlanAsync(id, change, _sink, CancellationToken.None);
        return await client.ApplyAsync(current, change, _sink, CancellationToken.None);
    }

    [Fact]
    public async Task Get_returns_the_document_and_its_etag()
    {
        var client = await ClientAsync();
        var cluster = await client.GetAsync(Open, _sink, CancellationToken.None);

        Assert.Equal("clustername1", cluster.View.Name);
        Assert.False(string.IsNullOrEmpty(cluster.ETag));
        Assert.Equal(_arm.Server.GetCluster(Open.Id)!["eTag"]!.GetValue<string>(), cluster.ETag);
        Assert.Contains(_sink.Of("debug"), l => l.StartsWith("HTTP GET https://127.0.0.1") && l.Contains("-> 200") && l.Contains("api-version=2026-08-01"));
    }

    [Fact]
    public async Task Unknown_cluster_is_object_not_found_with_arms_code()
    {
        var client = await ClientAsync();
        var missing = ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "nope"));
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => client.GetAsync(missing, _sink, CancellationToken.None));
        Assert.Equal(AksErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal("ResourceNotFound", ex.ArmErrorCode);
        Assert.Equal(missing.Id, ex.Target);
    }

    [Fact]
    public async Task List_follows_next_links()
    {
        _arm.Server.Options.PageSize = 1;
        var client = await ClientAsync();
        var names = new List<string>();
        await foreach (var cluster in client.ListAsync(FakeArmFixture.Subscription0, null, _sink, CancellationToken.None))
        {
            names.Add(cluster.View.Name);
        }

        Assert.Equal(new[] { "clustername1", "private1", "restricted1" }, names.OrderBy(n => n));
        Assert.True(_arm.Server.Requests.Count(r => r.Method == "GET") >= 3);
    }

    [Fact]
    public async Task Apply_puts_with_if_match_follows_the_signed_operation_and_rereads()
    {
        var client = await ClientAsync();
        var before = _arm.Server.GetCluster(Open.Id)!;

        var result = await ApplyAsync(client, Open, Ranges("52.3.4.5/32"));

        Assert.True(result.Changed);
        Assert.Equal(new[] { "52.3.4.5/32" }, result.Cluster.View.AuthorizedIpRanges);
        Assert.Equal("Succeeded", result.Cluster.View.ProvisioningState);
        var put = Assert.Single(_arm.Puts);
        Assert.Equal(before["eTag"]!.GetValue<string>(), put.Headers["If-Match"]);
        // The operation URL is followed exactly as given: its own api-version and signature parameters.
        Assert.Contains(_arm.Server.Requests, r => r.Path.Contains("/operations/") && r.Query.Contains("api-version=2025-03-01") && r.Query.Contains("&s="));
        Assert.DoesNotContain(_sink.Of("debug"), l => l.Contains("&s=") && !l.Contains("&s=REDACTED"));
    }

    [Fact]
    public async Task Everything_not_changed_goes_back_untouched()
    {
        var client = await ClientAsync();
        var before = _arm.Server.GetCluster(Open.Id)!;

        await ApplyAsync(client, Open, Ranges("52.3.4.5/32"));

        var sent = (JsonObject)JsonNode.Parse(Assert.Single(_arm.Puts).Body!)!;
        JsonPaths.Set(sent, ManagedClusterView.AuthorizedIpRangesPath, null);
        sent["properties"]!.AsObject().Remove("apiServerAccessProfile");
        before["properties"]!.AsObject().Remove("apiServerAccessProfile");
        Assert.True(JsonNode.DeepEquals(before, sent), "the PUT body differs from the GET body beyond the planned change");
    }

    [Fact]
    public async Task A_second_run_sends_no_put()
    {
        var client = await ClientAsync();
        await ApplyAsync(client, Open, Ranges("52.3.4.5/32"));
        _arm.Server.ClearRequests();

        var (current, plan) = await client.PlanAsync(Open, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);
        var again = await client.ApplyAsync(current, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);

        Assert.True(plan.IsEmpty);
        Assert.False(again.Changed);
        Assert.Empty(_arm.Puts);
    }

    [Fact]
    public async Task A_concurrent_change_between_read_and_write_survives()
    {
        var client = await ClientAsync();
        var (current, _) = await client.PlanAsync(Open, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);
        // Someone else tags the cluster after our read: our PUT carries a stale eTag.
        var theirs = _arm.Server.GetCluster(Open.Id)!;
        theirs["tags"]!["owner"] = "platform-team";
        _arm.Server.PutCluster(theirs);

        var result = await client.ApplyAsync(current, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);

        var final = _arm.Server.GetCluster(Open.Id)!;
        Assert.Equal("platform-team", final["tags"]!["owner"]!.GetValue<string>());
        Assert.Equal(new[] { "52.3.4.5/32" }, result.Cluster.View.AuthorizedIpRanges);
        Assert.Equal(new[] { 412, 200 }, _arm.Puts.Select(p => p.Status));
        Assert.Contains(_sink.Of("warning"), w => w.Contains("changed by someone else"));
    }

    [Fact]
    public async Task A_change_that_keeps_racing_fails_clearly_after_one_replan()
    {
        var client = await ClientAsync();
        // After every read of the cluster someone changes it again.
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/managedClusters/clustername1", Times = 10, Action = FaultAction.ConcurrentWrite, JsonPath = "tags.owner", Value = JsonValue.Create("racer") });

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ApplyAsync(client, Open, Ranges("52.3.4.5/32")));

        Assert.Equal(AksErrorKind.ConcurrentChange, ex.Kind);
        Assert.Equal(2, _arm.Puts.Count());
        Assert.Empty(_arm.Server.GetCluster(Open.Id)!.AsObject()["properties"]!["apiServerAccessProfile"]?["authorizedIPRanges"]?.AsArray() ?? new JsonArray());
    }

    [Fact]
    public async Task Another_operation_in_progress_is_waited_for()
    {
        var client = await ClientAsync();
        var (current, _) = await client.PlanAsync(Open, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);
        _arm.Server.BeginBackgroundOperation(Open.Id, "Upgrading", TimeSpan.FromMilliseconds(600));

        var result = await client.ApplyAsync(current, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.Equal(409, _arm.Puts.First().Status);
        Assert.Equal(200, _arm.Puts.Last().Status);
        Assert.Contains(_sink.Of("warning"), w => w.Contains("Another operation is running"));
        Assert.Contains(_sink.Of("progress"), p => p.Contains("Upgrading"));
    }

    [Fact]
    public async Task Another_operation_that_outlasts_the_wait_fails_saying_what_runs()
    {
        var connection = await _arm.ConnectAsync(_sink);
        connection.Client.Options.BusyWaitTimeout = TimeSpan.FromMilliseconds(200);
        var client = new ManagedClusterClient(connection);
        var (current, _) = await client.PlanAsync(Open, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);
        _arm.Server.BeginBackgroundOperation(Open.Id, "Upgrading", TimeSpan.FromSeconds(30));

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => client.ApplyAsync(current, Ranges("52.3.4.5/32"), _sink, CancellationToken.None));

        Assert.Equal(AksErrorKind.ResourceBusy, ex.Kind);
        Assert.Equal("OperationNotAllowed", ex.ArmErrorCode);
        Assert.Contains("Upgrading", ex.Message);
    }

    [Theory]
    [InlineData(429, 1)]
    [InlineData(503, null)]
    [InlineData(500, null)]
    public async Task Transient_failures_are_retried(int status, int? retryAfter)
    {
        var client = await ClientAsync();
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/managedClusters/clustername1", Times = 2, Status = status, ErrorCode = "Transient", RetryAfterSeconds = retryAfter });

        var cluster = await client.GetAsync(Open, _sink, CancellationToken.None);

        Assert.Equal("clustername1", cluster.View.Name);
        Assert.Equal(new[] { status, status, 200 }, _arm.Server.Requests.Where(r => r.Path.EndsWith("clustername1")).Select(r => r.Status));
    }

    [Fact]
    public async Task A_connection_reset_is_retried()
    {
        var client = await ClientAsync();
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/managedClusters/clustername1", Times = 1, Action = FaultAction.Reset });

        var cluster = await client.GetAsync(Open, _sink, CancellationToken.None);

        Assert.Equal("clustername1", cluster.View.Name);
        Assert.Contains(_sink.Of("debug"), l => l.Contains("failed after"));
    }

    [Fact]
    public async Task A_server_that_keeps_failing_ends_in_a_clear_error_after_bounded_retries()
    {
        var client = await ClientAsync();
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/managedClusters/clustername1", Times = 100, Status = 503, ErrorCode = "ServiceUnavailable", Message = "The service is unavailable." });

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => client.GetAsync(Open, _sink, CancellationToken.None));

        Assert.Equal(AksErrorKind.ServiceUnavailable, ex.Kind);
        Assert.Contains("The service is unavailable.", ex.Message);
        Assert.Equal(4, _arm.Server.Requests.Count(r => r.Path.EndsWith("clustername1")));
    }

    [Fact]
    public async Task Permission_denied_names_the_missing_action()
    {
        var client = await ClientAsync();
        _arm.Server.InjectFault(new FaultRule
        {
            Method = "PUT", Status = 403, ErrorCode = "AuthorizationFailed",
            Message = $"The client 'reader@contoso.com' with object id '9b1c2d3e-0000-0000-0000-0000000000b1' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/write' over scope '{Open.Id}' or the scope is invalid.",
        });

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ApplyAsync(client, Open, Ranges("52.3.4.5/32")));

        Assert.Equal(AksErrorKind.PermissionDenied, ex.Kind);
        Assert.Equal("AuthorizationFailed", ex.ArmErrorCode);
        Assert.Contains("lacks 'Microsoft.ContainerService/managedClusters/write'", ex.Message);
    }

    [Fact]
    public async Task A_forbidden_identity_cannot_even_list_subscriptions()
    {
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() =>
            ArmConnection.ConnectAsync(_arm.TokenRequest("forbidden-token"), _sink, CancellationToken.None));
        Assert.Equal(AksErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains("Permission denied to list subscriptions", ex.Message);
    }

    [Fact]
    public async Task A_failed_operation_reports_the_services_error()
    {
        _arm.Server.Options.LroFinalStatus = "Failed";
        var client = await ClientAsync();

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ApplyAsync(client, Open, Ranges("52.3.4.5/32")));

        Assert.Equal(AksErrorKind.OperationFailed, ex.Kind);
        Assert.Contains("ended Failed", ex.Message);
        Assert.NotNull(ex.ArmErrorCode);
    }

    [Fact]
    public async Task A_bad_request_keeps_arms_code_and_message()
    {
        var client = await ClientAsync();
        _arm.Server.InjectFault(new FaultRule { Method = "PUT", Status = 400, ErrorCode = "InvalidParameter", Message = "The value of parameter x is invalid." });

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ApplyAsync(client, Restricted, Ranges("52.3.4.5/32")));

        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("InvalidParameter", ex.ArmErrorCode);
        Assert.Contains("The value of parameter x is invalid.", ex.Message);
    }

    [Fact]
    public async Task An_operation_that_never_ends_times_out_clearly()
    {
        _arm.Server.Options.LroPollsBeforeDone = 100000;
        _arm.Server.Options.LroMaxDuration = TimeSpan.FromMinutes(5);
        var connection = await _arm.ConnectAsync(_sink);
        connection.Client.Options.OperationTimeout = TimeSpan.FromMilliseconds(300);
        var client = new ManagedClusterClient(connection);

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ApplyAsync(client, Open, Ranges("52.3.4.5/32")));

        Assert.Equal(AksErrorKind.OperationTimeout, ex.Kind);
        Assert.Contains("may still complete", ex.Message);
        Assert.Contains(_sink.Of("progress"), p => p.Contains("InProgress"));
    }

    [Fact]
    public async Task Cancellation_stops_waiting_for_the_operation()
    {
        _arm.Server.Options.LroPollsBeforeDone = 1000;
        _arm.Server.Options.LroMaxDuration = TimeSpan.FromMinutes(5);
        var client = await ClientAsync();
        var (current, _) = await client.PlanAsync(Open, Ranges("52.3.4.5/32"), _sink, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ApplyAsync(current, Ranges("52.3.4.5/32"), _sink, cancel.Token));
    }
}
