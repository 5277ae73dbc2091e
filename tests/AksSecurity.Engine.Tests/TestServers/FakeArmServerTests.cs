using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>One fake ARM server (and one CA) for all tests of <see cref="FakeArmServerTests"/>.</summary>
public sealed class FakeArmServerFixture : IAsyncLifetime
{
    public TestCertificateAuthority Ca { get; private set; } = null!;

    public FakeArmServer Server { get; private set; } = null!;

    /// <summary>Trusts the test CA only, with full chain validation, and sends a bearer token the fake accepts.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The same without a token.</summary>
    public HttpClient AnonymousClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ca = TestCertificateAuthority.LoadOrCreate(Path.Combine(Path.GetTempPath(), "aks-security-test-ca"));
        Server = await FakeArmServer.StartAsync(Ca);
        Client = new HttpClient(Ca.CreateTrustingHandler()) { BaseAddress = Server.BaseUri };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        AnonymousClient = new HttpClient(Ca.CreateTrustingHandler()) { BaseAddress = Server.BaseUri };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        AnonymousClient.Dispose();
        await Server.DisposeAsync();
        Ca.Dispose();
    }
}

public sealed class FakeArmServerTests : IClassFixture<FakeArmServerFixture>
{
    private const string ApiVersion = "?api-version=2026-08-01";
    private const string Subscription0 = "/subscriptions/00000000-0000-0000-0000-000000000000";
    private const string Cluster1 = Subscription0 + "/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";

    private readonly FakeArmServer _server;
    private readonly HttpClient _client;
    private readonly HttpClient _anonymousClient;

    public FakeArmServerTests(FakeArmServerFixture fixture)
    {
        _server = fixture.Server;
        _client = fixture.Client;
        _anonymousClient = fixture.AnonymousClient;
        // xunit runs the tests of one class one after another; each starts from the seed and the initial options.
        _server.Reset();
    }

    [Fact]
    public async Task Get_cluster_returns_the_seeded_document_with_its_eTag_as_ETag_header()
    {
        using var response = await _client.GetAsync(Cluster1 + ApiVersion);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await ReadObjectAsync(response);
        Assert.Equal("clustername1", (string?)document["name"]);
        Assert.Equal("Succeeded", (string?)document["properties"]!["provisioningState"]);
        Assert.Equal((string?)document["eTag"], response.Headers.GetValues("ETag").Single());
    }

    [Fact]
    public async Task Put_with_a_stale_If_Match_is_412_PreconditionFailed()
    {
        var document = await GetClusterAsync(Cluster1);
        using var request = JsonRequest(HttpMethod.Put, Cluster1 + ApiVersion, document);
        request.Headers.TryAddWithoutValidation("If-Match", "stale-etag");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("PreconditionFailed", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Put_answers_200_with_a_signed_operation_url_that_polls_to_Succeeded()
    {
        var document = await GetClusterAsync(Cluster1);
        document["tags"]!["owner"] = "team-a";

        using var put = await _client.SendAsync(JsonRequest(HttpMethod.Put, Cluster1 + ApiVersion, document));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("Updating", (string?)(await ReadObjectAsync(put))["properties"]!["provisioningState"]);
        Assert.False(put.Headers.Contains("Location"));
        var operationUrl = put.Headers.GetValues("Azure-AsyncOperation").Single();
        Assert.Contains("api-version=2025-03-01", operationUrl);

        using var tampered = await _client.GetAsync(operationUrl.Replace("&h=", "&h=x", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);

        Assert.Equal("InProgress", await PollStatusAsync(operationUrl));
        Assert.Equal("Succeeded", await PollStatusAsync(operationUrl));
        var stored = await GetClusterAsync(Cluster1);
        Assert.Equal("Succeeded", (string?)stored["properties"]!["provisioningState"]);
        Assert.Equal("team-a", (string?)stored["tags"]!["owner"]);
        Assert.NotEqual((string?)document["eTag"], (string?)stored["eTag"]);
    }

    [Fact]
    public async Task Put_during_another_partys_operation_is_409_OperationNotAllowed()
    {
        var document = await GetClusterAsync(Cluster1);
        _server.BeginBackgroundOperation(Cluster1, "Upgrading", TimeSpan.FromMinutes(1));

        using var response = await _client.SendAsync(JsonRequest(HttpMethod.Put, Cluster1 + ApiVersion, document));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("OperationNotAllowed", await ErrorCodeAsync(response));
        Assert.Equal("Upgrading", (string?)_server.GetCluster(Cluster1)!["properties"]!["provisioningState"]);
    }

    [Fact]
    public async Task Status_fault_answers_429_with_Retry_After_once_then_serves_normally()
    {
        _server.InjectFault(new FaultRule
        {
            Method = "GET",
            PathContains = "/managedClusters/clustername1",
            Action = FaultAction.Status,
            Status = 429,
            ErrorCode = "TooManyRequests",
            RetryAfterSeconds = 7,
        });

        using var throttled = await _client.GetAsync(Cluster1 + ApiVersion);
        using var served = await _client.GetAsync(Cluster1 + ApiVersion);

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.Headers.RetryAfter?.Delta);
        Assert.Equal("TooManyRequests", await ErrorCodeAsync(throttled));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task ConcurrentWrite_fault_changes_the_document_after_serving_the_GET()
    {
        _server.InjectFault(new FaultRule
        {
            Method = "GET",
            PathContains = "clustername1",
            Action = FaultAction.ConcurrentWrite,
            JsonPath = "properties.apiServerAccessProfile.authorizedIPRanges",
            Value = new JsonArray("203.0.113.0/24"),
        });

        var seen = await GetClusterAsync(Cluster1);
        var stored = _server.GetCluster(Cluster1)!;

        Assert.Null(seen["properties"]!["apiServerAccessProfile"]);
        Assert.Equal("203.0.113.0/24", (string?)stored["properties"]!["apiServerAccessProfile"]!["authorizedIPRanges"]![0]);
        Assert.NotEqual((string?)seen["eTag"], (string?)stored["eTag"]);
        using var request = JsonRequest(HttpMethod.Put, Cluster1 + ApiVersion, seen);
        request.Headers.TryAddWithoutValidation("If-Match", (string?)seen["eTag"]);
        using var put = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.PreconditionFailed, put.StatusCode);
    }

    [Fact]
    public async Task Request_without_a_token_is_401_AuthenticationFailed_with_WWW_Authenticate()
    {
        using var response = await _anonymousClient.GetAsync(Cluster1 + ApiVersion);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("AuthenticationFailed", await ErrorCodeAsync(response));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Requests_are_recorded_in_order_with_the_token_redacted()
    {
        await GetClusterAsync(Cluster1);
        using var missing = await _client.GetAsync(Subscription0 + "/resourceGroups/nope" + ApiVersion);

        var recorded = _server.Requests;

        Assert.Equal(["GET", "GET"], recorded.Select(r => r.Method));
        Assert.Equal(Cluster1, recorded[0].Path);
        Assert.Equal(ApiVersion, recorded[0].Query);
        Assert.Equal("Bearer <redacted>", recorded[0].Headers["Authorization"]);
        Assert.Equal(404, recorded[1].Status);
        Assert.True(recorded[0].Sequence < recorded[1].Sequence);
    }

    [Fact]
    public async Task List_pages_with_an_absolute_nextLink()
    {
        _server.Options.PageSize = 2;
        var names = new List<string>();
        var pages = 0;
        string? next = Subscription0 + "/providers/Microsoft.ContainerService/managedClusters" + ApiVersion;
        while (next is not null)
        {
            using var response = await _client.GetAsync(next);
            var page = await ReadObjectAsync(response);
            names.AddRange(page["value"]!.AsArray().Select(c => (string)c!["name"]!));
            next = (string?)page["nextLink"];
            Assert.True(next is null || (Uri.IsWellFormedUriString(next, UriKind.Absolute) && next.Contains("$skipToken=", StringComparison.Ordinal)));
            pages++;
        }

        Assert.Equal(2, pages);
        Assert.Equal(["clustername1", "private1", "restricted1"], names);
    }

    private async Task<JsonObject> GetClusterAsync(string id)
    {
        using var response = await _client.GetAsync(id + ApiVersion);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    private async Task<string?> PollStatusAsync(string operationUrl)
    {
        using var response = await _client.GetAsync(operationUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string?)(await ReadObjectAsync(response))["status"];
    }

    private static HttpRequestMessage JsonRequest(HttpMethod method, string uri, JsonNode body) =>
        new(method, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (string?)(await ReadObjectAsync(response))["error"]!["code"];
}
