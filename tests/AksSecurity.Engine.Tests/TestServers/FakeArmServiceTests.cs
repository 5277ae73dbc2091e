using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>The fake's policy-state summary, Defender pricings, Kubernetes versions and Log Analytics workspaces.</summary>
public sealed class FakeArmServiceTests : IClassFixture<FakeArmServerFixture>
{
    private const string Subscription0 = "/subscriptions/00000000-0000-0000-0000-000000000000";
    private const string Subscription1 = "/subscriptions/11111111-1111-1111-1111-111111111111";
    private const string Cluster1 = Subscription0 + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";
    private const string Summarize = "/providers/Microsoft.PolicyInsights/policyStates/latest/summarize?api-version=2024-10-01";
    private const string PricingApi = "?api-version=2024-01-01";
    private const string Workspace = Subscription0 + "/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security";

    private readonly FakeArmServer _server;
    private readonly HttpClient _client;

    public FakeArmServiceTests(FakeArmServerFixture fixture)
    {
        _server = fixture.Server;
        _client = fixture.Client;
        _server.Reset();
    }

    [Fact]
    public async Task Summarize_answers_the_example_with_its_resource_ids_moved_to_the_cluster()
    {
        using var response = await _client.PostAsync(Cluster1 + Summarize, null);
        var body = await ReadObjectAsync(response);

        var example = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "arm", "policy", "PolicyStates_SummarizeResourceScope.json"))
            .Replace("subscriptions/fff10b27-fff3-fff5-fff8-fffbe01e86a5/resourceGroups/myResourceGroup/providers/Microsoft.KeyVault/vaults/my-vault", Cluster1[1..], StringComparison.Ordinal)
            .Replace("subscriptions/fffedd8f-ffff-fffd-fffd-fffed2f84852", Subscription0[1..], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(example)!["responses"]!["200"]!["body"], body), body.ToJsonString());
        Assert.Equal(1, (int?)body["value"]![0]!["results"]!["nonCompliantResources"]);
        Assert.Equal(14, (int?)body["value"]![0]!["results"]!["nonCompliantPolicies"]);
        Assert.StartsWith($"https://management.azure.com{Cluster1}/providers/Microsoft.PolicyInsights/", (string?)body["@odata.context"], StringComparison.Ordinal);
        Assert.DoesNotContain("my-vault", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summarize_for_a_missing_cluster_is_404_ResourceNotFound()
    {
        using var response = await _client.PostAsync(Cluster1.Replace("clustername1", "gone", StringComparison.Ordinal) + Summarize, null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFound", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Containers_pricing_is_seeded_Standard_in_subscription_0_and_Free_in_subscription_1()
    {
        var standard = await GetOkAsync(Subscription0 + "/providers/Microsoft.Security/pricings/Containers" + PricingApi);
        var free = await GetOkAsync(Subscription1 + "/providers/microsoft.security/pricings/containers" + PricingApi);

        Assert.Equal(Subscription0 + "/providers/Microsoft.Security/pricings/Containers", (string?)standard["id"]);
        Assert.Equal("Containers", (string?)standard["name"]);
        Assert.Equal("Microsoft.Security/pricings", (string?)standard["type"]);
        Assert.Equal("Standard", (string?)standard["properties"]!["pricingTier"]);
        Assert.Equal("FullyCovered", (string?)standard["properties"]!["resourcesCoverageStatus"]);
        Assert.NotNull(standard["properties"]!["enablementTime"]);
        Assert.Equal("Free", (string?)free["properties"]!["pricingTier"]);
        Assert.Equal("NotCovered", (string?)free["properties"]!["resourcesCoverageStatus"]);
        Assert.Null(free["properties"]!["enablementTime"]);
        Assert.Null(free["properties"]!["extensions"]);
    }

    [Fact]
    public async Task Pricing_list_has_every_plan_of_the_example_in_the_subscription()
    {
        var list = await GetOkAsync(Subscription1 + "/providers/Microsoft.Security/pricings" + PricingApi);

        var plans = list["value"]!.AsArray().Select(p => (string)p!["name"]!).ToArray();
        Assert.Equal(13, plans.Length);
        Assert.Contains("Containers", plans);
        Assert.All(list["value"]!.AsArray(), p => Assert.StartsWith(Subscription1 + "/", (string?)p!["id"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_pricing_Standard_answers_200_with_the_read_only_fields_and_is_stored_until_Reset()
    {
        var id = Subscription1 + "/providers/Microsoft.Security/pricings/Containers";
        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["pricingTier"] = "Standard",
                ["extensions"] = new JsonArray(new JsonObject { ["name"] = "ContainerSensor", ["isEnabled"] = "True" }),
            },
        };

        using var put = await SendAsync(HttpMethod.Put, id + PricingApi, body);
        var answered = await ReadObjectAsync(put);
        var stored = await GetOkAsync(id + PricingApi);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Standard", (string?)answered["properties"]!["pricingTier"]);
        Assert.Equal("FullyCovered", (string?)answered["properties"]!["resourcesCoverageStatus"]);
        Assert.Equal("PT0S", (string?)answered["properties"]!["freeTrialRemainingTime"]);
        Assert.True(DateTimeOffset.TryParse((string?)answered["properties"]!["enablementTime"], out _));
        Assert.Equal("Succeeded", (string?)answered["properties"]!["extensions"]![0]!["operationStatus"]!["code"]);
        Assert.Equal("Standard", (string?)stored["properties"]!["pricingTier"]);

        _server.Reset();

        Assert.Equal("Free", (string?)_server.GetResource(id)!["properties"]!["pricingTier"]);
    }

    [Fact]
    public async Task Put_pricing_Free_drops_the_enablement_fields()
    {
        var id = Subscription0 + "/providers/Microsoft.Security/pricings/Containers";

        using var put = await SendAsync(HttpMethod.Put, id + PricingApi, new JsonObject { ["properties"] = new JsonObject { ["pricingTier"] = "Free" } });
        var answered = await ReadObjectAsync(put);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Free", (string?)answered["properties"]!["pricingTier"]);
        Assert.Equal("NotCovered", (string?)answered["properties"]!["resourcesCoverageStatus"]);
        Assert.Null(answered["properties"]!["enablementTime"]);
        Assert.Null(answered["properties"]!["extensions"]);
    }

    [Theory]
    [InlineData("{\"properties\":{\"pricingTier\":\"Premium\"}}", HttpStatusCode.BadRequest, "InvalidParameter")]
    [InlineData("{\"pricingTier\":\"Standard\"}", HttpStatusCode.BadRequest, "InvalidRequestContent")]
    [InlineData("[]", HttpStatusCode.BadRequest, "InvalidRequestContent")]
    public async Task Put_pricing_with_a_bad_body_is_400(string body, HttpStatusCode status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Subscription0 + "/providers/Microsoft.Security/pricings/Containers" + PricingApi)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await ErrorCodeAsync(response));
        Assert.Equal("Standard", (string?)_server.GetResource(Subscription0 + "/providers/Microsoft.Security/pricings/Containers")!["properties"]!["pricingTier"]);
    }

    [Fact]
    public async Task Unknown_pricing_is_404_and_unknown_subscription_is_SubscriptionNotFound()
    {
        using var unknown = await _client.GetAsync(Subscription0 + "/providers/Microsoft.Security/pricings/NoSuchPlan" + PricingApi);
        using var subscription = await _client.GetAsync("/subscriptions/99999999-9999-9999-9999-999999999999/providers/Microsoft.Security/pricings/Containers" + PricingApi);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("ResourceNotFound", await ErrorCodeAsync(unknown));
        Assert.Equal(HttpStatusCode.NotFound, subscription.StatusCode);
        Assert.Equal("SubscriptionNotFound", await ErrorCodeAsync(subscription));
    }

    [Theory]
    [InlineData("location1")]
    [InlineData("westeurope")]
    public async Task Kubernetes_versions_answer_the_example_for_any_location(string location)
    {
        var body = await GetOkAsync($"{Subscription0}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions?api-version=2026-08-01");

        var versions = body["values"]!.AsArray();
        Assert.Equal(["1.23", "1.24", "1.25", "1.26"], versions.Select(v => (string)v!["version"]!));
        Assert.True((bool?)versions[1]!["isDefault"]);
        Assert.True((bool?)versions[3]!["isPreview"]);
        Assert.Equal("KubernetesOfficial", (string?)versions[0]!["capabilities"]!["supportPlan"]![0]);
        Assert.Equal(["1.23.15", "1.24.6", "1.24.9"], versions[0]!["patchVersions"]!["1.23.12"]!["upgrades"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public async Task Seeded_workspace_is_served_with_the_example_shape_and_others_are_404()
    {
        var workspace = await GetOkAsync(Workspace + "?api-version=2025-02-01");
        using var other = await _client.GetAsync(Workspace.Replace("law-security", "law-other", StringComparison.Ordinal) + "?api-version=2025-02-01");
        using var otherGroup = await _client.GetAsync(Workspace.Replace("rg-monitor", "rg-nope", StringComparison.Ordinal) + "?api-version=2025-02-01");

        Assert.Equal(Workspace, (string?)workspace["id"], StringComparer.OrdinalIgnoreCase);
        Assert.Equal("law-security", (string?)workspace["name"]);
        Assert.Equal("Microsoft.OperationalInsights/workspaces", (string?)workspace["type"]);
        Assert.True(Guid.TryParse((string?)workspace["properties"]!["customerId"], out _));
        Assert.Equal("Succeeded", (string?)workspace["properties"]!["provisioningState"]);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal("ResourceNotFound", await ErrorCodeAsync(other));
        Assert.Equal(HttpStatusCode.NotFound, otherGroup.StatusCode);
        Assert.Equal("ResourceGroupNotFound", await ErrorCodeAsync(otherGroup));
    }

    [Fact]
    public async Task ConcurrentWrite_fault_on_a_stored_resource_changes_that_resource()
    {
        var id = Subscription0 + "/providers/Microsoft.Security/pricings/Containers";
        _server.InjectFault(new FaultRule { Method = "GET", PathContains = "/pricings/Containers", Action = FaultAction.ConcurrentWrite, JsonPath = "properties.pricingTier", Value = JsonValue.Create("Free") });

        var seen = await GetOkAsync(id + PricingApi);

        Assert.Equal("Standard", (string?)seen["properties"]!["pricingTier"]);
        Assert.Equal("Free", (string?)_server.GetResource(id)!["properties"]!["pricingTier"]);
    }

    private async Task<JsonObject> GetOkAsync(string uri)
    {
        using var response = await _client.GetAsync(uri);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, JsonNode body) =>
        _client.SendAsync(new HttpRequestMessage(method, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") });

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (string?)(await ReadObjectAsync(response))["error"]!["code"];
}
