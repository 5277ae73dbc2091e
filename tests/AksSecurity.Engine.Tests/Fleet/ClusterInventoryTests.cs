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
        Assert.Equal(ClusterInventory.Query, (string?)body["query"]);
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
}
