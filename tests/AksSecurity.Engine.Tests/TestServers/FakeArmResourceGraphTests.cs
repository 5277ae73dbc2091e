using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>The fake's Resource Graph (POST /providers/Microsoft.ResourceGraph/resources), its fleet seed and its added latency.</summary>
public sealed class FakeArmResourceGraphTests : IClassFixture<FakeArmServerFixture>
{
    private const string ResourcesUrl = "/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01";
    private const string Subscription0 = "00000000-0000-0000-0000-000000000000";
    private const string Subscription1 = "11111111-1111-1111-1111-111111111111";
    private const string ClusterQuery = "Resources | where type =~ 'microsoft.containerservice/managedclusters'";

    private readonly FakeArmServer _server;
    private readonly HttpClient _client;
    private readonly HttpClient _anonymousClient;

    public FakeArmResourceGraphTests(FakeArmServerFixture fixture)
    {
        _server = fixture.Server;
        _client = fixture.Client;
        _anonymousClient = fixture.AnonymousClient;
        _server.Reset();
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> QueryAsync(JsonObject request, string url = ResourcesUrl)
    {
        using var response = await _client.PostAsync(url, new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static JsonObject Request(string query, JsonObject? options = null, params string[] subscriptions)
    {
        var request = new JsonObject { ["query"] = query };
        if (subscriptions.Length > 0)
        {
            request["subscriptions"] = new JsonArray(subscriptions.Select(s => (JsonNode?)s).ToArray());
        }

        if (options is not null)
        {
            request["options"] = options;
        }

        return request;
    }

    private static string[] Ids(JsonObject body) => body["data"]!.AsArray().Select(r => (string)r!["id"]!).ToArray();

    [Fact]
    public async Task Answers_the_cluster_rows_of_the_subscriptions_in_the_envelope_of_the_examples()
    {
        var (status, body) = await QueryAsync(Request(ClusterQuery, null, Subscription0));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["totalRecords", "count", "resultTruncated", "facets", "data"], body.Select(p => p.Key));
        Assert.Equal(3, (int)body["totalRecords"]!);
        Assert.Equal(3, (int)body["count"]!);
        Assert.Equal("false", (string?)body["resultTruncated"]);
        Assert.Empty(body["facets"]!.AsArray());
        Assert.Equal(_server.ClusterIds.Where(id => id.Contains(Subscription0, StringComparison.Ordinal)), Ids(body));
        var row = body["data"]![0]!.AsObject();
        Assert.Equal(
            ["id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation"],
            row.Select(p => p.Key));
        Assert.Equal("microsoft.containerservice/managedclusters", (string?)row["type"]);
        Assert.Equal("rg1", (string?)row["resourceGroup"]);
        Assert.Equal(Subscription0, (string?)row["subscriptionId"]);
        Assert.Null(row["eTag"]);
        Assert.True(JsonNode.DeepEquals(_server.GetCluster((string)row["id"]!)!["properties"], row["properties"]));
    }

    [Fact]
    public async Task Without_subscriptions_it_is_a_tenant_query_over_every_subscription()
    {
        var (_, body) = await QueryAsync(Request(ClusterQuery));

        Assert.Equal(_server.ClusterIds, Ids(body));
    }

    [Fact]
    public async Task Project_keeps_the_named_columns_in_their_order_and_order_by_id_desc_reverses()
    {
        var (status, body) = await QueryAsync(Request(ClusterQuery + " | project name, id, properties | order by id desc", null, Subscription0, Subscription1));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["name", "id", "properties"], body["data"]![0]!.AsObject().Select(p => p.Key));
        Assert.Equal(_server.ClusterIds.Reverse(), Ids(body));
    }

    [Fact]
    public async Task Pages_by_top_and_skipToken_until_the_last_page_which_has_no_skipToken()
    {
        var ids = new List<string>();
        var options = new JsonObject { ["$top"] = 3 };
        var pages = 0;
        while (true)
        {
            var (status, body) = await QueryAsync(Request(ClusterQuery + " | project id", options, Subscription0, Subscription1));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(4, (int)body["totalRecords"]!);
            ids.AddRange(Ids(body));
            pages++;
            if (body["$skipToken"] is not { } token)
            {
                break;
            }

            options = new JsonObject { ["$top"] = 3, ["$skipToken"] = (string)token! };
        }

        Assert.Equal(2, pages);
        Assert.Equal(_server.ClusterIds, ids);
    }

    [Fact]
    public async Task Skip_overrides_the_offset_and_without_top_a_page_holds_1000_rows()
    {
        _server.SeedFleet(2, 600);

        var (_, first) = await QueryAsync(Request(ClusterQuery));
        var (_, skipped) = await QueryAsync(Request(ClusterQuery, new JsonObject { ["$skip"] = 1200, ["$top"] = 10 }));

        Assert.Equal(1204, (int)first["totalRecords"]!);
        Assert.Equal(1000, (int)first["count"]!);
        Assert.NotNull(first["$skipToken"]);
        Assert.Equal(_server.ClusterIds.Skip(1200), Ids(skipped));
        Assert.Null(skipped["$skipToken"]);
    }

    [Fact]
    public async Task A_skipToken_of_another_query_or_scope_is_refused()
    {
        var (_, first) = await QueryAsync(Request(ClusterQuery, new JsonObject { ["$top"] = 1 }, Subscription0));
        var token = (string)first["$skipToken"]!;

        var (otherScope, error) = await QueryAsync(Request(ClusterQuery, new JsonObject { ["$skipToken"] = token }, Subscription1));
        var (otherQuery, _) = await QueryAsync(Request(ClusterQuery + " | project id", new JsonObject { ["$skipToken"] = token }, Subscription0));
        var (garbage, _) = await QueryAsync(Request(ClusterQuery, new JsonObject { ["$skipToken"] = "not-a-token" }, Subscription0));

        Assert.Equal(HttpStatusCode.BadRequest, otherScope);
        Assert.Equal(HttpStatusCode.BadRequest, otherQuery);
        Assert.Equal(HttpStatusCode.BadRequest, garbage);
        Assert.Equal("InvalidSkipToken", (string?)error["error"]!["details"]![0]!["code"]);
    }

    [Fact]
    public async Task Without_an_id_column_more_rows_mean_resultTruncated_and_no_skipToken()
    {
        var (_, body) = await QueryAsync(Request(ClusterQuery + " | project name", new JsonObject { ["$top"] = 2 }));

        Assert.Equal("true", (string?)body["resultTruncated"]);
        Assert.Null(body["$skipToken"]);
        Assert.Equal(2, (int)body["count"]!);
    }

    [Theory]
    [InlineData("Resources | where type =~ 'microsoft.compute/virtualmachines'")]
    [InlineData("Resources | project id")]
    [InlineData("Resources | where name contains 'test' | project id, name, type, location")]
    [InlineData(ClusterQuery + " | project id, eTag")]
    [InlineData(ClusterQuery + " | summarize count() by location")]
    [InlineData(ClusterQuery + " | order by name asc")]
    [InlineData("ResourceContainers | where type =~ 'microsoft.containerservice/managedclusters'")]
    public async Task A_query_outside_the_family_is_a_400_that_says_the_fake_does_not_understand_it(string query)
    {
        var (status, body) = await QueryAsync(Request(query, null, Subscription0));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BadRequest", (string?)body["error"]!["code"]);
        Assert.Contains("does not understand", (string?)body["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal("InvalidQuery", (string?)body["error"]!["details"]![0]!["code"]);
    }

    [Theory]
    [InlineData("""{"query":"Resources | where type =~ 'microsoft.containerservice/managedclusters'","managementGroups":["mg1"]}""")]
    [InlineData("""{"query":"Resources | where type =~ 'microsoft.containerservice/managedclusters'","facets":[{"expression":"location"}]}""")]
    [InlineData("""{"query":"Resources | where type =~ 'microsoft.containerservice/managedclusters'","options":{"resultFormat":"table"}}""")]
    [InlineData("""{"query":"Resources | where type =~ 'microsoft.containerservice/managedclusters'","options":{"allowPartialScopes":true}}""")]
    public async Task Request_members_it_does_not_serve_are_refused_by_name(string request)
    {
        var (status, body) = await QueryAsync(JsonNode.Parse(request)!.AsObject());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not understand", (string?)body["error"]!["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task Top_outside_1_to_1000_is_refused(int top)
    {
        var (status, body) = await QueryAsync(Request(ClusterQuery, new JsonObject { ["$top"] = top }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidParameter", (string?)body["error"]!["details"]![0]!["code"]);
    }

    [Fact]
    public async Task More_than_1000_subscriptions_in_one_request_are_refused()
    {
        var subscriptions = Enumerable.Range(1, 1001).Select(i => $"{i:x8}-0000-4000-8000-000000000000").ToArray();

        var (status, body) = await QueryAsync(Request(ClusterQuery, null, subscriptions));
        var (allowed, _) = await QueryAsync(Request(ClusterQuery, null, subscriptions[..1000]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("TooManySubscriptions", (string?)body["error"]!["details"]![0]!["code"]);
        Assert.Equal(HttpStatusCode.OK, allowed);
    }

    [Fact]
    public async Task Needs_a_bearer_token_and_an_api_version_like_every_arm_route()
    {
        using var anonymous = await _anonymousClient.PostAsync(ResourcesUrl, new StringContent(Request(ClusterQuery).ToJsonString(), Encoding.UTF8, "application/json"));
        var (status, body) = await QueryAsync(Request(ClusterQuery), "/providers/Microsoft.ResourceGraph/resources");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("MissingApiVersionParameter", (string?)body["error"]!["code"]);
        Assert.Contains(_server.Requests, r => r.Path == "/providers/Microsoft.ResourceGraph/resources" && r.Method == "POST");
    }

    [Fact]
    public async Task Seed_fleet_adds_subscriptions_with_clusters_and_defender_plans_and_reset_removes_them()
    {
        var fleet = _server.SeedFleet(3, 5);

        Assert.Equal(["f1ee0001-0000-4000-8000-000000000000", "f1ee0002-0000-4000-8000-000000000000", "f1ee0003-0000-4000-8000-000000000000"], fleet);
        Assert.Equal(4 + 15, _server.ClusterIds.Count);
        var cluster = _server.GetCluster($"/subscriptions/{fleet[2]}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/managedClusters/aks-003-005")!;
        Assert.Equal("Succeeded", (string?)cluster["properties"]!["provisioningState"]);
        Assert.Equal("Free", (string?)_server.GetResource($"/subscriptions/{fleet[0]}/providers/Microsoft.Security/pricings/Containers")!["properties"]!["pricingTier"]);
        using var subscriptions = await _client.GetAsync("/subscriptions?api-version=2022-12-01");
        Assert.Equal(5, JsonNode.Parse(await subscriptions.Content.ReadAsStringAsync())!["value"]!.AsArray().Count);

        _server.Reset();

        Assert.Equal(4, _server.ClusterIds.Count);
    }

    [Fact]
    public async Task Seed_fleet_and_latency_are_driven_through_the_control_api()
    {
        using var seeded = await _anonymousClient.PostAsync("/_fake/seed-fleet", new StringContent("""{"subscriptions":2,"clustersPerSubscription":3}""", Encoding.UTF8, "application/json"));
        using var options = await _anonymousClient.PutAsync("/_fake/options", new StringContent("""{"latencyMs":200}""", Encoding.UTF8, "application/json"));
        using var badSeed = await _anonymousClient.PostAsync("/_fake/seed-fleet", new StringContent("""{"subscriptions":0,"clustersPerSubscription":3}""", Encoding.UTF8, "application/json"));

        var answer = JsonNode.Parse(await seeded.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, seeded.StatusCode);
        Assert.Equal(2, answer["subscriptionIds"]!.AsArray().Count);
        Assert.Equal(6, (int)answer["clusters"]!);
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        Assert.Equal(200, _server.Options.LatencyMs);
        Assert.Equal(HttpStatusCode.BadRequest, badSeed.StatusCode);
    }

    [Fact]
    public async Task Latency_is_added_to_arm_routes_concurrently_but_not_to_the_control_api()
    {
        _server.Options.LatencyMs = 250;

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => QueryAsync(Request(ClusterQuery))));
        var queries = stopwatch.Elapsed;
        stopwatch.Restart();
        using var control = await _anonymousClient.GetAsync("/_fake/requests");
        var controlTime = stopwatch.Elapsed;

        // One after another they would take 2 s.
        Assert.InRange(queries, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1500));
        Assert.True(controlTime < TimeSpan.FromMilliseconds(250), $"control API took {controlTime}");
    }
}
