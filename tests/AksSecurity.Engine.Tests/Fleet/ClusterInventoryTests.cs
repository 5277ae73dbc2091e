using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Fleet;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Fleet;

/// <summary>Listing clusters through Resource Graph against the fake ARM: query shape, paging, batching, retries.</summary>
public sealed class ClusterInventoryTests : IClassFixture<FakeArmFixture>
{
    private const string ResourcesPath = "/providers/Microsoft.ResourceGraph/resources";

    private readonly FakeArmFixture _arm;
    private readonly RecordingSink _sink = new();

    public ClusterInventoryTests(FakeArmFixture arm)
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

    private async Task<List<ManagedClusterDocument>> ListAsync(ArmConnection connection, IReadOnlyList<string>? subscriptions, CancellationToken ct = default)
    {
        var documents = new List<ManagedClusterDocument>();
        await foreach (var document in ClusterInventory.ListAsync(connection, subscriptions, _sink, ct))
        {
            documents.Add(document);
        }

        return documents;
    }

    private IReadOnlyList<RecordedRequest> GraphRequests => _arm.Server.Requests.Where(r => r.Path.Equals(ResourcesPath, StringComparison.OrdinalIgnoreCase)).ToArray();

    private static JsonObject BodyOf(RecordedRequest request) => JsonNode.Parse(request.Body!)!.AsObject();

    [Fact]
    public async Task Without_subscriptions_lists_every_cluster_of_every_visible_subscription_in_one_query()
    {
        var connection = await ConnectAsync();

        var documents = await ListAsync(connection, null);

        Assert.Equal(_arm.Server.ClusterIds, documents.Select(d => d.View.Id));
        Assert.Equal(documents.Select(d => d.View.Id), documents.Select(d => d.Source));
        var request = Assert.Single(GraphRequests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("?api-version=2022-10-01", request.Query);
        var body = BodyOf(request);
        Assert.Equal([FakeArmFixture.Subscription0, FakeArmFixture.Subscription1], body["subscriptions"]!.AsArray().Select(s => (string)s!).Order());
        Assert.Equal(
            "Resources | where type =~ 'microsoft.containerservice/managedclusters' "
            + "| project id, name, type, location, tags, sku, identity, kind, zones, extendedLocation, properties | order by id asc",
            (string?)body["query"]);
        Assert.Equal(1000, (int)body["options"]!["$top"]!);
        Assert.Equal("objectArray", (string?)body["options"]!["resultFormat"]);
        Assert.Contains(_arm.Server.Requests, r => r.Method == "GET" && r.Path == "/subscriptions");
    }

    [Fact]
    public async Task A_document_has_the_cluster_fields_of_an_arm_get_except_the_etag()
    {
        var connection = await ConnectAsync();
        var id = FakeArmFixture.ClusterId("rg2", "restricted1");

        var document = (await ListAsync(connection, [FakeArmFixture.Subscription0])).Single(d => d.View.Id == id);
        var stored = _arm.Server.GetCluster(id)!;

        Assert.True(JsonNode.DeepEquals(stored["properties"], document.Root["properties"]));
        Assert.Equal((string?)stored["location"], document.View.Location);
        Assert.True(JsonNode.DeepEquals(stored["identity"], document.Root["identity"]));
        Assert.Null(document.ETag);
        var cluster = document.ToAksCluster();
        Assert.Equal("restricted1", cluster.Name);
        Assert.Equal("rg2", cluster.ResourceGroupName);
        Assert.Equal(["20.10.0.0/24", "52.3.4.5/32"], cluster.AuthorizedIpRanges);
    }

    [Fact]
    public async Task Follows_skipTokens_page_by_page_with_the_same_query_and_subscriptions()
    {
        var fleet = _arm.Server.SeedFleet(3, 400);
        var connection = await ConnectAsync();

        var documents = await ListAsync(connection, fleet);

        Assert.Equal(1200, documents.Count);
        Assert.Equal(documents.Select(d => d.View.Id).Order(StringComparer.OrdinalIgnoreCase), documents.Select(d => d.View.Id));
        var requests = GraphRequests;
        Assert.Equal(2, requests.Count);
        var (first, second) = (BodyOf(requests[0]), BodyOf(requests[1]));
        Assert.Null(first["options"]!["$skipToken"]);
        Assert.False(string.IsNullOrEmpty((string?)second["options"]!["$skipToken"]));
        Assert.Equal((string?)first["query"], (string?)second["query"]);
        Assert.True(JsonNode.DeepEquals(first["subscriptions"], second["subscriptions"]));
        Assert.Equal(fleet, first["subscriptions"]!.AsArray().Select(s => (string)s!));
        Assert.Contains(_sink.Of("progress"), p => p.EndsWith("1000 of 1200 clusters", StringComparison.Ordinal));
        Assert.Contains(_sink.Of("progress"), p => p.EndsWith("1200 of 1200 clusters", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hands_over_the_first_page_before_asking_for_the_second()
    {
        _arm.Server.SeedFleet(2, 600);
        var connection = await ConnectAsync();

        await using var documents = ClusterInventory.ListAsync(connection, null, _sink, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await documents.MoveNextAsync());

        Assert.Single(GraphRequests);
    }

    [Fact]
    public async Task Sends_at_most_1000_subscriptions_per_request()
    {
        var fleet = _arm.Server.SeedFleet(1001, 1);
        var connection = await ConnectAsync();

        var documents = await ListAsync(connection, null);

        Assert.Equal(1005, documents.Count);
        // The first batch holds 1002 clusters, so it takes two pages with the same subscriptions.
        var scopes = GraphRequests.Select(r => BodyOf(r)["subscriptions"]!.AsArray().Select(s => (string)s!).ToArray()).ToArray();
        Assert.Equal([1000, 1000, 3], scopes.Select(b => b.Length));
        var batches = scopes.DistinctBy(b => string.Join(',', b)).ToArray();
        Assert.Equal(2, batches.Length);
        Assert.Equal(fleet.Append(FakeArmFixture.Subscription0).Append(FakeArmFixture.Subscription1).Order(), batches.SelectMany(b => b).Order());
        Assert.Equal(documents.Count, documents.Select(d => d.View.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task A_throttled_query_is_retried_after_retry_after()
    {
        var connection = await ConnectAsync();
        _arm.Server.InjectFault(new FaultRule { Method = "POST", PathContains = "Microsoft.ResourceGraph", Action = FaultAction.Status, Status = 429, RetryAfterSeconds = 1 });

        var documents = await ListAsync(connection, [FakeArmFixture.Subscription1]);

        Assert.Equal("runcmd1", Assert.Single(documents).View.Name);
        var requests = GraphRequests;
        Assert.Equal([429, 200], requests.Select(r => r.Status));
        Assert.InRange(requests[1].Time - requests[0].Time, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_refused_query_is_an_error_with_arms_code()
    {
        var connection = await ConnectAsync();
        _arm.Server.InjectFault(new FaultRule { Method = "POST", PathContains = "Microsoft.ResourceGraph", Action = FaultAction.Status, Status = 400, ErrorCode = "BadRequest", Message = "Query is invalid." });

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ListAsync(connection, [FakeArmFixture.Subscription0]));

        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("BadRequest", ex.ArmErrorCode);
        Assert.Contains("Query is invalid.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_id_that_is_not_a_guid_is_refused_before_anything_is_sent()
    {
        var connection = await ConnectAsync();

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ListAsync(connection, [FakeArmFixture.Subscription0, "prod"]));

        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("prod", ex.Target);
        Assert.Empty(_arm.Server.Requests);
    }

    [Fact]
    public async Task No_visible_subscription_lists_nothing_with_a_warning()
    {
        var connection = await ConnectAsync();
        // A 200 without a "value" array: the subscription list is empty.
        _arm.Server.InjectFault(new FaultRule { Method = "GET", PathContains = "/subscriptions", Action = FaultAction.Status, Status = 200 });

        var documents = await ListAsync(connection, null);

        Assert.Empty(documents);
        Assert.Empty(GraphRequests);
        Assert.Contains(_sink.Of("warning"), w => w.Contains("can see no subscription", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cancellation_stops_the_listing()
    {
        _arm.Server.SeedFleet(2, 600);
        var connection = await ConnectAsync();
        using var cancel = new CancellationTokenSource();
        var listed = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var document in ClusterInventory.ListAsync(connection, null, _sink, cancel.Token))
            {
                if (++listed == 10)
                {
                    cancel.Cancel();
                }
            }
        });

        Assert.Equal(10, listed);
        Assert.Single(GraphRequests);
    }
}
