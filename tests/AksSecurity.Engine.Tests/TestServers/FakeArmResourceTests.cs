using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>The generic store of the fake ARM: policy assignments, diagnostic settings, maintenance configurations.</summary>
public sealed class FakeArmResourceTests : IClassFixture<FakeArmServerFixture>
{
    private const string PolicyApi = "?api-version=2025-01-01";
    private const string Subscription0 = "/subscriptions/00000000-0000-0000-0000-000000000000";
    private const string Rg1 = Subscription0 + "/resourceGroups/rg1";
    private const string Cluster1 = Rg1 + "/providers/Microsoft.ContainerService/managedClusters/clustername1";
    private const string Private1 = Rg1 + "/providers/Microsoft.ContainerService/managedClusters/private1";
    private const string Restricted1 = Subscription0 + "/resourceGroups/rg2/providers/Microsoft.ContainerService/managedClusters/restricted1";
    private const string Assignments = "/providers/Microsoft.Authorization/policyAssignments";
    private const string BaselineInitiative = "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d";
    private const string RestrictedInitiative = "/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00";

    private readonly FakeArmServer _server;
    private readonly HttpClient _client;
    private readonly HttpClient _controlClient;

    public FakeArmResourceTests(FakeArmServerFixture fixture)
    {
        _server = fixture.Server;
        _client = fixture.Client;
        _controlClient = fixture.AnonymousClient;
        _server.Reset();
    }

    [Fact]
    public async Task Policy_assignment_put_creates_201_then_updates_200_with_the_envelope_of_the_example()
    {
        var id = Cluster1 + Assignments + "/pod-security";
        var body = Assignment(BaselineInitiative);
        body["location"] = "location1";
        body["identity"] = new JsonObject { ["type"] = "SystemAssigned" };

        using var created = await SendAsync(HttpMethod.Put, id + PolicyApi, body);
        var first = await ReadObjectAsync(created);
        body["properties"]!["enforcementMode"] = "DoNotEnforce";
        using var updated = await SendAsync(HttpMethod.Put, id + PolicyApi, body);
        var second = await ReadObjectAsync(updated);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(id, (string?)first["id"]);
        Assert.Equal("pod-security", (string?)first["name"]);
        Assert.Equal("Microsoft.Authorization/policyAssignments", (string?)first["type"]);
        Assert.Equal("location1", (string?)first["location"]);
        var properties = first["properties"]!;
        Assert.Equal(Cluster1, (string?)properties["scope"]);
        Assert.Equal(BaselineInitiative, (string?)properties["policyDefinitionId"]);
        Assert.Equal("Deny", (string?)properties["parameters"]!["effect"]!["value"]);
        Assert.Equal("Default", (string?)properties["enforcementMode"]);
        Assert.Empty(properties["notScopes"]!.AsArray());
        Assert.True(Guid.TryParse((string?)properties["instanceId"], out _));
        Assert.True(Guid.TryParse((string?)first["identity"]!["principalId"], out _));

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("DoNotEnforce", (string?)second["properties"]!["enforcementMode"]);
        Assert.Equal((string?)properties["instanceId"], (string?)second["properties"]!["instanceId"]);
        Assert.Equal((string?)first["identity"]!["principalId"], (string?)second["identity"]!["principalId"]);
        Assert.Equal("DoNotEnforce", (string?)_server.GetResource(id)!["properties"]!["enforcementMode"]);
    }

    [Fact]
    public async Task Get_and_delete_are_case_insensitive_and_delete_answers_200_then_204()
    {
        var id = Cluster1 + Assignments + "/pod-security";
        using var put = await SendAsync(HttpMethod.Put, id.ToLowerInvariant() + PolicyApi, Assignment(BaselineInitiative));

        using var get = await _client.GetAsync(id.ToUpperInvariant() + PolicyApi);
        var stored = await ReadObjectAsync(get);
        using var deleted = await _client.DeleteAsync(id + PolicyApi);
        var deletedBody = await ReadObjectAsync(deleted);
        using var gone = await _client.GetAsync(id + PolicyApi);
        using var again = await _client.DeleteAsync(id + PolicyApi);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Microsoft.Authorization/policyAssignments", (string?)stored["type"]);
        Assert.Equal(Cluster1, (string?)stored["properties"]!["scope"]);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("pod-security", (string?)deletedBody["name"]);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("PolicyAssignmentNotFound", await ErrorCodeAsync(gone));
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.DoesNotContain(_server.ResourceIds, r => r.Contains("pod-security", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_on_an_extension_of_a_missing_cluster_is_404_of_the_cluster_and_stores_nothing()
    {
        var id = Rg1 + "/providers/Microsoft.ContainerService/managedClusters/nosuchcluster" + Assignments + "/pod-security";
        var before = _server.ResourceIds;

        using var response = await SendAsync(HttpMethod.Put, id + PolicyApi, Assignment(BaselineInitiative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFound", await ErrorCodeAsync(response));
        Assert.Contains("managedClusters/nosuchcluster", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, _server.ResourceIds);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Put_with_a_body_that_is_not_a_json_object_is_400_InvalidRequestContent(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Cluster1 + Assignments + "/pod-security" + PolicyApi)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidRequestContent", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Put_without_api_version_is_400_MissingApiVersionParameter()
    {
        using var response = await SendAsync(HttpMethod.Put, Cluster1 + Assignments + "/pod-security", Assignment(BaselineInitiative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingApiVersionParameter", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task AtScope_lists_the_assignments_of_the_scope_and_its_ancestors()
    {
        await SeedAssignmentsAsync();

        Assert.Equal(["at-cluster1", "at-rg1", "at-sub0"], await ListNamesAsync(Cluster1 + Assignments, "&$filter=atScope()"));
        Assert.Equal(["at-rg1", "at-sub0"], await ListNamesAsync(Rg1 + Assignments, "&$filter=atScope()"));
        Assert.Equal(["at-sub0"], await ListNamesAsync(Subscription0 + Assignments, "&$filter=atScope()"));
        Assert.Equal(["at-rg2", "at-sub0"], await ListNamesAsync(Subscription0 + "/resourceGroups/rg2" + Assignments, "&$filter=atScope()"));
        Assert.Equal(["at-rg1", "at-sub0"], await ListNamesAsync(Private1 + Assignments, "&$filter=atScope()"));
    }

    [Fact]
    public async Task Unfiltered_list_adds_the_scopes_below_and_atExactScope_keeps_only_the_scope()
    {
        await SeedAssignmentsAsync();

        Assert.Equal(["at-cluster1", "at-rg1", "at-sub0"], await ListNamesAsync(Rg1 + Assignments, ""));
        Assert.Equal(["at-rg1"], await ListNamesAsync(Rg1 + Assignments, "&$filter=atExactScope()"));
        Assert.Equal(["at-cluster1"], await ListNamesAsync(Cluster1 + Assignments, "&$filter=atExactScope()"));
        Assert.Equal(["at-cluster1", "at-rg1", "at-rg2", "at-sub0"], await ListNamesAsync(Subscription0 + Assignments, ""));
    }

    [Fact]
    public async Task PolicyDefinitionId_filter_keeps_the_assignments_of_that_definition_that_apply()
    {
        await SeedAssignmentsAsync();

        var names = await ListNamesAsync(Cluster1 + Assignments, $"&$filter={Uri.EscapeDataString($"policyDefinitionId eq '{RestrictedInitiative}'")}");

        Assert.Equal(["at-rg1"], names);
    }

    [Fact]
    public async Task Unknown_filter_is_400()
    {
        using var response = await _client.GetAsync(Cluster1 + Assignments + PolicyApi + "&$filter=bogus()");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidFilterInQueryString", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task List_at_a_missing_resource_group_is_404_ResourceGroupNotFound()
    {
        using var response = await _client.GetAsync(Subscription0 + "/resourceGroups/nope" + Assignments + PolicyApi);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceGroupNotFound", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Diagnostic_setting_put_answers_200_with_the_lower_case_id_of_the_example_and_lists()
    {
        const string api = "?api-version=2021-05-01-preview";
        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["workspaceId"] = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security",
                ["logs"] = new JsonArray(new JsonObject { ["category"] = "kube-audit-admin", ["enabled"] = true }),
                ["logAnalyticsDestinationType"] = "Dedicated",
            },
        };

        using var created = await SendAsync(HttpMethod.Put, Cluster1 + "/providers/Microsoft.Insights/diagnosticSettings/audit" + api, body);
        var document = await ReadObjectAsync(created);
        using var list = await _client.GetAsync(Cluster1 + "/providers/microsoft.insights/diagnosticSettings" + api);
        var items = (await ReadObjectAsync(list))["value"]!.AsArray();

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(Cluster1.ToLowerInvariant() + "/providers/microsoft.insights/diagnosticSettings/audit", (string?)document["id"]);
        Assert.Equal("Microsoft.Insights/diagnosticSettings", (string?)document["type"]);
        Assert.Equal("kube-audit-admin", (string?)document["properties"]!["logs"]![0]!["category"]);
        Assert.Equal("audit", (string?)Assert.Single(items)!["name"]);
    }

    [Fact]
    public async Task Maintenance_configuration_is_a_child_resource_of_the_cluster()
    {
        const string api = "?api-version=2026-08-01";
        var id = Cluster1 + "/maintenanceConfigurations/aksManagedAutoUpgradeSchedule";
        var body = new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["maintenanceWindow"] = new JsonObject
                {
                    ["schedule"] = new JsonObject { ["weekly"] = new JsonObject { ["dayOfWeek"] = "Sunday", ["intervalWeeks"] = 1 } },
                    ["durationHours"] = 4,
                    ["startTime"] = "00:00",
                },
            },
        };

        using var created = await SendAsync(HttpMethod.Put, id + api, body);
        var document = await ReadObjectAsync(created);
        using var list = await _client.GetAsync(Cluster1 + "/maintenanceconfigurations" + api);
        var items = (await ReadObjectAsync(list))["value"]!.AsArray();
        using var otherCluster = await _client.GetAsync(Private1 + "/maintenanceConfigurations" + api);
        using var deleted = await _client.DeleteAsync(id + api);
        using var again = await _client.DeleteAsync(id + api);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(id, (string?)document["id"]);
        Assert.Equal("Microsoft.ContainerService/managedClusters/maintenanceConfigurations", (string?)document["type"]);
        Assert.Equal(4, (int?)document["properties"]!["maintenanceWindow"]!["durationHours"]);
        Assert.Equal("aksManagedAutoUpgradeSchedule", (string?)Assert.Single(items)!["name"]);
        Assert.Empty((await ReadObjectAsync(otherCluster))["value"]!.AsArray());
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Fact]
    public async Task Faults_apply_to_store_routes_and_writes_are_recorded_with_their_body()
    {
        var id = Cluster1 + Assignments + "/pod-security";
        _server.InjectFault(new FaultRule { Method = "PUT", PathContains = "/policyAssignments/", Action = FaultAction.Status, Status = 429, RetryAfterSeconds = 1 });

        using var throttled = await SendAsync(HttpMethod.Put, id + PolicyApi, Assignment(BaselineInitiative));
        using var served = await SendAsync(HttpMethod.Put, id + PolicyApi, Assignment(BaselineInitiative));

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.Created, served.StatusCode);
        var recorded = _server.Requests;
        Assert.Equal([429, 201], recorded.Select(r => r.Status));
        Assert.All(recorded, r => Assert.Equal(id, r.Path));
        Assert.Contains(BaselineInitiative, recorded[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_token_names_the_write_action_of_the_extension_type()
    {
        using var request = JsonRequest(HttpMethod.Put, Cluster1 + "/providers/Microsoft.Insights/diagnosticSettings/audit?api-version=2021-05-01-preview", new JsonObject());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "forbidden-token");

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Microsoft.Insights/diagnosticSettings/write", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutResource_seeds_what_the_routes_serve_and_Reset_removes_it()
    {
        var id = Subscription0 + Assignments + "/seeded";
        _server.PutResource(id, Assignment(RestrictedInitiative));

        using var response = await _client.GetAsync(id + PolicyApi);
        var document = await ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (string?)document["id"]);
        Assert.Equal("seeded", (string?)document["name"]);
        Assert.Contains(id, _server.ResourceIds);
        Assert.Throws<ArgumentException>(() => _server.PutResource("/subscriptions/99999999-0000-0000-0000-000000000000/providers/X/y/z", new JsonObject()));
        Assert.Throws<ArgumentException>(() => _server.PutResource(Cluster1, new JsonObject()));

        _server.Reset();

        Assert.Null(_server.GetResource(id));
        Assert.DoesNotContain(id, _server.ResourceIds);
    }

    [Fact]
    public async Task Control_api_puts_and_gets_a_resource_without_being_recorded()
    {
        var id = Rg1 + Assignments + "/from-pester";
        var control = "/_fake/resource?id=" + Uri.EscapeDataString(id);

        using var put = await SendAsync(_controlClient, HttpMethod.Put, control, Assignment(RestrictedInitiative));
        using var get = await _controlClient.GetAsync(control);
        var document = await ReadObjectAsync(get);
        using var missing = await _controlClient.GetAsync("/_fake/resource?id=" + Uri.EscapeDataString(id + "-not-there"));
        using var noId = await SendAsync(_controlClient, HttpMethod.Put, "/_fake/resource", Assignment(RestrictedInitiative));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(id, (string?)document["id"]);
        Assert.Equal(RestrictedInitiative, (string?)document["properties"]!["policyDefinitionId"]);
        Assert.Equal(RestrictedInitiative, (string?)_server.GetResource(id)!["properties"]!["policyDefinitionId"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noId.StatusCode);
        Assert.Equal("BadControlRequest", await ErrorCodeAsync(noId));
        Assert.Empty(_server.Requests);
    }

    /// <summary>One assignment at each scope: subscription 0, rg1, clustername1, rg2, and one in subscription 1.</summary>
    private async Task SeedAssignmentsAsync()
    {
        foreach (var (scope, name, definition) in new[]
        {
            (Subscription0, "at-sub0", BaselineInitiative),
            (Rg1, "at-rg1", RestrictedInitiative),
            (Cluster1, "at-cluster1", BaselineInitiative),
            (Subscription0 + "/resourceGroups/rg2", "at-rg2", BaselineInitiative),
            ("/subscriptions/11111111-1111-1111-1111-111111111111", "at-sub1", BaselineInitiative),
        })
        {
            using var response = await SendAsync(HttpMethod.Put, scope + Assignments + "/" + name + PolicyApi, Assignment(definition));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    private async Task<string[]> ListNamesAsync(string collection, string filter)
    {
        using var response = await _client.GetAsync(collection + PolicyApi + filter);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadObjectAsync(response))["value"]!.AsArray().Select(a => (string)a!["name"]!).Order(StringComparer.Ordinal).ToArray();
    }

    private static JsonObject Assignment(string definitionId) => new()
    {
        ["properties"] = new JsonObject
        {
            ["policyDefinitionId"] = definitionId,
            ["parameters"] = new JsonObject { ["effect"] = new JsonObject { ["value"] = "Deny" } },
        },
    };

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, JsonNode body) => SendAsync(_client, method, uri, body);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string uri, JsonNode body) =>
        client.SendAsync(JsonRequest(method, uri, body));

    private static HttpRequestMessage JsonRequest(HttpMethod method, string uri, JsonNode body) =>
        new(method, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response) =>
        (string?)(await ReadObjectAsync(response))["error"]!["code"];
}
