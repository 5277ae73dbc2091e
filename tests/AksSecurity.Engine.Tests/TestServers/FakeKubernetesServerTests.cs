using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>The fake Kubernetes API server itself: REST, server-side apply, auth, Status shapes, selectors, faults.</summary>
public sealed class FakeKubernetesServerTests : IClassFixture<FakeKubernetesFixture>
{
    private const string ApplyType = "application/apply-patch+yaml";
    private readonly FakeKubernetesFixture _fixture;
    private readonly FakeKubernetesServer _server;

    public FakeKubernetesServerTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Kubernetes;
        fixture.Reset();
    }

    internal static JsonObject ConfigMap(string name, string ns = "default", params (string Key, string Value)[] data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))),
    };

    internal static async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json", string? text = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null || text is not null)
        {
            request.Content = new StringContent(text ?? body!.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await client.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(content)!.AsObject());
    }

    internal static Task<(HttpStatusCode Status, JsonObject Body)> ApplyAsync(HttpClient client, string path, JsonObject manifest, string manager, bool force = false) =>
        SendAsync(client, HttpMethod.Patch, $"{path}?fieldManager={manager}{(force ? "&force=true" : "")}", manifest, ApplyType);

    private static void AssertStatus(JsonObject body, int code, string reason)
    {
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("v1", (string?)body["apiVersion"]);
        Assert.Equal("Failure", (string?)body["status"]);
        Assert.Equal(reason, (string?)body["reason"]);
        Assert.Equal(code, (int?)body["code"]);
        Assert.NotNull(body["metadata"]);
    }

    [Fact]
    public async Task Version_and_seeded_nodes_look_like_an_aks_cluster()
    {
        using var client = _fixture.CreateClient();
        var (status, version) = await SendAsync(client, HttpMethod.Get, "/version");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("v1.31.2", (string?)version["gitVersion"]);
        Assert.Equal("31", (string?)version["minor"]);

        var (_, nodes) = await SendAsync(client, HttpMethod.Get, "/api/v1/nodes");
        Assert.Equal("NodeList", (string?)nodes["kind"]);
        var items = nodes["items"]!.AsArray();
        Assert.Equal(FakeKubernetesServer.NodeNames, items.Select(n => (string?)n!["metadata"]!["name"]));
        var first = items[0]!;
        Assert.Null(first["kind"]);
        Assert.Equal("linux", (string?)first["metadata"]!["labels"]!["kubernetes.io/os"]);
        Assert.Equal(FakeKubernetesServer.NodeNames[0], (string?)first["metadata"]!["labels"]!["kubernetes.io/hostname"]);
        Assert.NotNull(first["metadata"]!["labels"]!["kubernetes.azure.com/cluster"]);
        Assert.StartsWith("azure:///subscriptions/", (string?)first["spec"]!["providerID"]);
        Assert.Equal("v1.31.2", (string?)first["status"]!["nodeInfo"]!["kubeletVersion"]);

        var (_, namespaces) = await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces");
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], namespaces["items"]!.AsArray().Select(n => (string?)n!["metadata"]!["name"]));

        _server.Options.GitVersion = "v1.30.5";
        Assert.Equal("v1.30.5", (string?)(await SendAsync(client, HttpMethod.Get, "/version")).Body["gitVersion"]);
    }

    [Fact]
    public async Task Requests_without_an_accepted_credential_get_the_401_Status()
    {
        using var anonymous = _fixture.CreateClient(token: null);
        using var unknown = _fixture.CreateClient(token: "not-a-known-token");
        foreach (var client in new[] { anonymous, unknown })
        {
            var (status, body) = await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            AssertStatus(body, 401, "Unauthorized");
            Assert.Equal("Unauthorized", (string?)body["message"]);
        }

        Assert.Equal(["None", "Rejected"], _server.Requests.Select(r => r.AuthKind));
        Assert.All(_server.Requests, r => Assert.Null(r.User));
    }

    [Fact]
    public async Task Entra_tokens_for_the_aks_server_application_are_accepted_and_arm_tokens_refused()
    {
        using var arm = new HttpClient(_fixture.Ca.CreateTrustingHandler()) { BaseAddress = _fixture.Arm.BaseUri };
        async Task<string> TokenAsync(string scope)
        {
            var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = "app", ["client_secret"] = "s", ["scope"] = scope,
            });
            var response = await arm.PostAsync($"{FakeKubernetesFixture.TenantId}/oauth2/v2.0/token", form);
            return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!;
        }

        var aksToken = await TokenAsync("6dae42f8-4368-4678-94ff-3960e28e3630/.default");
        var armToken = await TokenAsync("https://management.fakearm.test//.default");
        using var aks = _fixture.CreateClient(aksToken);
        using var armAudience = _fixture.CreateClient(armToken);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(aks, HttpMethod.Get, "/api/v1/namespaces")).Status);
        var (status, body) = await SendAsync(armAudience, HttpMethod.Get, "/api/v1/namespaces");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        AssertStatus(body, 401, "Unauthorized");
        Assert.Equal(["EntraToken", "Rejected"], _server.Requests.Select(r => r.AuthKind));
        Assert.DoesNotContain(_server.Requests, r => (r.Path + r.Query + r.Body).Contains(aksToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_forbidden_token_gets_a_403_Status_naming_user_verb_and_resource()
    {
        using var client = _fixture.CreateClient(FakeKubernetesServer.ForbiddenToken);
        var (status, body) = await SendAsync(client, HttpMethod.Get, "/apis/apps/v1/namespaces/kube-system/daemonsets");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        AssertStatus(body, 403, "Forbidden");
        Assert.Equal("daemonsets.apps is forbidden: User \"forbidden-user\" cannot list resource \"daemonsets\" in API group \"apps\" in the namespace \"kube-system\"", (string?)body["message"]);

        var (_, clusterScoped) = await SendAsync(client, HttpMethod.Delete, "/api/v1/nodes/x");
        Assert.Equal("nodes \"x\" is forbidden: User \"forbidden-user\" cannot delete resource \"nodes\" in API group \"\" at the cluster scope", (string?)clusterScoped["message"]);
    }

    [Fact]
    public async Task Client_certificates_are_accepted_only_when_the_test_ca_signed_them()
    {
        using var signed = _fixture.Ca.IssueClientCertificate("masterclient", "system:masters");
        using var client = _fixture.CreateClient(token: null, clientCertificate: signed);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/v1/nodes")).Status);

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=intruder", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var intruder = _fixture.CreateClient(token: null, clientCertificate: selfSigned);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(intruder, HttpMethod.Get, "/api/v1/nodes")).Status);

        Assert.Equal(["ClientCertificate", "Rejected"], _server.Requests.Select(r => r.AuthKind));
        Assert.Equal("masterclient", _server.Requests[0].User);
    }

    [Fact]
    public async Task Create_get_and_delete_answer_the_api_servers_shapes()
    {
        using var client = _fixture.CreateClient();
        const string Path = "/api/v1/namespaces/default/configmaps";
        var (created, body) = await SendAsync(client, HttpMethod.Post, Path, ConfigMap("settings", data: ("a", "1")));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.NotNull((string?)body["metadata"]!["uid"]);
        Assert.NotNull((string?)body["metadata"]!["resourceVersion"]);
        Assert.NotNull((string?)body["metadata"]!["creationTimestamp"]);
        Assert.Null(body["metadata"]!["generation"]);

        var (again, conflict) = await SendAsync(client, HttpMethod.Post, Path, ConfigMap("settings"));
        Assert.Equal(HttpStatusCode.Conflict, again);
        AssertStatus(conflict, 409, "AlreadyExists");
        Assert.Equal("configmaps \"settings\" already exists", (string?)conflict["message"]);
        Assert.Equal("settings", (string?)conflict["details"]!["name"]);
        Assert.Equal("configmaps", (string?)conflict["details"]!["kind"]);

        var (_, got) = await SendAsync(client, HttpMethod.Get, Path + "/settings");
        Assert.Equal("1", (string?)got["data"]!["a"]);
        Assert.Equal("ConfigMap", (string?)got["kind"]);

        var (deleted, success) = await SendAsync(client, HttpMethod.Delete, Path + "/settings");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("Success", (string?)success["status"]);
        Assert.Equal((string?)body["metadata"]!["uid"], (string?)success["details"]!["uid"]);

        var (missing, notFound) = await SendAsync(client, HttpMethod.Get, Path + "/settings");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        AssertStatus(notFound, 404, "NotFound");
        Assert.Equal("configmaps \"settings\" not found", (string?)notFound["message"]);

        var (_, jobMissing) = await SendAsync(client, HttpMethod.Get, "/apis/batch/v1/namespaces/default/jobs/nope");
        Assert.Equal("jobs.batch \"nope\" not found", (string?)jobMissing["message"]);
        Assert.Equal("batch", (string?)jobMissing["details"]!["group"]);
    }

    [Fact]
    public async Task Bad_bodies_get_422_or_400_and_unknown_namespaces_404()
    {
        using var client = _fixture.CreateClient();
        const string Path = "/api/v1/namespaces/default/configmaps";
        var nameless = ConfigMap("x");
        nameless["metadata"]!.AsObject().Remove("name");
        var (status, invalid) = await SendAsync(client, HttpMethod.Post, Path, nameless);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        AssertStatus(invalid, 422, "Invalid");
        Assert.Equal("metadata.name", (string?)invalid["details"]!["causes"]![0]!["field"]);
        Assert.Equal("FieldValueRequired", (string?)invalid["details"]!["causes"]![0]!["reason"]);
        Assert.Equal("ConfigMap", (string?)invalid["details"]!["kind"]);

        var wrongKind = ConfigMap("x");
        wrongKind["kind"] = "Secret";
        var (kindStatus, kindBody) = await SendAsync(client, HttpMethod.Post, Path, wrongKind);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, kindStatus);
        Assert.Equal("kind", (string?)kindBody["details"]!["causes"]![0]!["field"]);

        var wrongVersion = ConfigMap("x");
        wrongVersion["apiVersion"] = "apps/v1";
        var (versionStatus, versionBody) = await SendAsync(client, HttpMethod.Post, Path, wrongVersion);
        Assert.Equal(HttpStatusCode.BadRequest, versionStatus);
        Assert.Equal("the API version in the data (apps/v1) does not match the expected API version (v1)", (string?)versionBody["message"]);

        var (nsStatus, nsBody) = await SendAsync(client, HttpMethod.Post, "/api/v1/namespaces/nowhere/configmaps", ConfigMap("x", "nowhere"));
        Assert.Equal(HttpStatusCode.NotFound, nsStatus);
        Assert.Equal("namespaces \"nowhere\" not found", (string?)nsBody["message"]);

        var (unknownStatus, unknownBody) = await SendAsync(client, HttpMethod.Get, "/apis/secrets-store.csi.x-k8s.io/v1/secretproviderclasses");
        Assert.Equal(HttpStatusCode.NotFound, unknownStatus);
        Assert.Equal("the server could not find the requested resource", (string?)unknownBody["message"]);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_changes_nothing_on_a_same_reapply()
    {
        using var client = _fixture.CreateClient();
        const string Path = "/api/v1/namespaces/default/configmaps/settings";
        var (created, first) = await ApplyAsync(client, Path, ConfigMap("settings", data: ("a", "1")), "aks-security");
        Assert.Equal(HttpStatusCode.Created, created);
        var entry = first["metadata"]!["managedFields"]!.AsArray().Single()!;
        Assert.Equal("aks-security", (string?)entry["manager"]);
        Assert.Equal("Apply", (string?)entry["operation"]);
        Assert.Equal("FieldsV1", (string?)entry["fieldsType"]);
        Assert.NotNull(entry["fieldsV1"]!["f:data"]!["f:a"]);

        var (same, second) = await ApplyAsync(client, Path, ConfigMap("settings", data: ("a", "1")), "aks-security");
        Assert.Equal(HttpStatusCode.OK, same);
        Assert.Equal((string?)first["metadata"]!["resourceVersion"], (string?)second["metadata"]!["resourceVersion"]);

        var (changed, third) = await ApplyAsync(client, Path, ConfigMap("settings", data: ("a", "2")), "aks-security");
        Assert.Equal(HttpStatusCode.OK, changed);
        Assert.NotEqual((string?)first["metadata"]!["resourceVersion"], (string?)third["metadata"]!["resourceVersion"]);
        Assert.Equal("2", (string?)third["data"]!["a"]);
    }

    [Fact]
    public async Task Server_side_apply_conflicts_on_another_managers_field_unless_forced()
    {
        using var client = _fixture.CreateClient();
        const string Path = "/api/v1/namespaces/default/configmaps/settings";
        await ApplyAsync(client, Path, ConfigMap("settings", data: [("a", "1"), ("b", "1")]), "someone-else");

        var (status, conflict) = await ApplyAsync(client, Path, ConfigMap("settings", data: ("a", "2")), "aks-security");
        Assert.Equal(HttpStatusCode.Conflict, status);
        AssertStatus(conflict, 409, "Conflict");
        Assert.Equal("Apply failed with 1 conflict: conflict with \"someone-else\": .data.a", (string?)conflict["message"]);
        var cause = conflict["details"]!["causes"]!.AsArray().Single()!;
        Assert.Equal("FieldManagerConflict", (string?)cause["reason"]);
        Assert.Equal("conflict with \"someone-else\"", (string?)cause["message"]);
        Assert.Equal(".data.a", (string?)cause["field"]);
        Assert.Equal("1", (string?)_server.GetObject("v1", "ConfigMap", "default", "settings")!["data"]!["a"]);

        // Same value: shared ownership, no conflict.
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(client, Path, ConfigMap("settings", data: ("b", "1")), "aks-security")).Status);

        var (forced, result) = await ApplyAsync(client, Path, ConfigMap("settings", data: [("a", "2"), ("b", "1")]), "aks-security", force: true);
        Assert.Equal(HttpStatusCode.OK, forced);
        Assert.Equal("2", (string?)result["data"]!["a"]);
        var managers = result["metadata"]!["managedFields"]!.AsArray().ToDictionary(e => (string)e!["manager"]!, e => e!["fieldsV1"]!["f:data"]!.AsObject());
        Assert.False(managers["someone-else"].ContainsKey("f:a"));
        Assert.True(managers["someone-else"].ContainsKey("f:b"));
        Assert.True(managers["aks-security"].ContainsKey("f:a"));
    }

    [Fact]
    public async Task Server_side_apply_removes_fields_a_manager_stops_applying_unless_someone_else_owns_them()
    {
        using var client = _fixture.CreateClient();
        const string Path = "/api/v1/namespaces/default/configmaps/settings";
        await ApplyAsync(client, Path, ConfigMap("settings", data: [("mine", "1"), ("shared", "1")]), "aks-security");
        await ApplyAsync(client, Path, ConfigMap("settings", data: ("shared", "1")), "other");

        var (_, result) = await ApplyAsync(client, Path, ConfigMap("settings", data: ("kept", "1")), "aks-security");
        var data = result["data"]!.AsObject();
        Assert.False(data.ContainsKey("mine"));
        Assert.True(data.ContainsKey("shared"));
        Assert.True(data.ContainsKey("kept"));
    }

    [Fact]
    public async Task Server_side_apply_reads_yaml_bodies_and_requires_a_field_manager()
    {
        using var client = _fixture.CreateClient();
        const string Yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: from-yaml
              namespace: default
              labels:
                app.kubernetes.io/managed-by: AksSecurity
            data:
              count: "3"
              enabled: "true"
            """;
        var (status, body) = await SendAsync(client, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=aks-security", null, ApplyType, Yaml);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("3", (string?)body["data"]!["count"]);
        Assert.Equal("AksSecurity", (string?)body["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]);

        var (missing, invalid) = await SendAsync(client, HttpMethod.Patch, "/api/v1/namespaces/default/configmaps/from-yaml", null, ApplyType, Yaml);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing);
        Assert.Equal("fieldManager", (string?)invalid["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Jobs_and_daemonsets_get_a_generation_that_moves_only_with_the_spec()
    {
        using var client = _fixture.CreateClient();
        _server.Options.JobBehavior = JobBehavior.Hang;
        const string Path = "/apis/batch/v1/namespaces/default/jobs/gen";
        var (_, created) = await ApplyAsync(client, Path, KubernetesControllerTests.Job("gen", null), "aks-security");
        Assert.Equal(1, (long?)created["metadata"]!["generation"]);
        var labelled = KubernetesControllerTests.Job("gen", null);
        labelled["metadata"]!["labels"] = new JsonObject { ["a"] = "b" };
        var (_, relabelled) = await ApplyAsync(client, Path, labelled, "aks-security");
        Assert.Equal(1, (long?)relabelled["metadata"]!["generation"]);
        Assert.NotEqual((string?)created["metadata"]!["resourceVersion"], (string?)relabelled["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task Merge_patch_and_put_update_with_optimistic_concurrency()
    {
        using var client = _fixture.CreateClient();
        const string Path = "/api/v1/namespaces/default/configmaps/settings";
        var (_, created) = await SendAsync(client, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", ConfigMap("settings", data: ("a", "1")));

        var (patched, body) = await SendAsync(client, HttpMethod.Patch, Path, new JsonObject { ["data"] = new JsonObject { ["a"] = null, ["b"] = "2" } }, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.False(body["data"]!.AsObject().ContainsKey("a"));
        Assert.Equal("2", (string?)body["data"]!["b"]);

        var stale = ConfigMap("settings", data: ("c", "3"));
        stale["metadata"]!["resourceVersion"] = (string?)created["metadata"]!["resourceVersion"];
        var (conflict, conflictBody) = await SendAsync(client, HttpMethod.Put, Path, stale);
        Assert.Equal(HttpStatusCode.Conflict, conflict);
        AssertStatus(conflictBody, 409, "Conflict");
        Assert.Contains("the object has been modified", (string?)conflictBody["message"]);

        stale["metadata"]!["resourceVersion"] = (string?)body["metadata"]!["resourceVersion"];
        var (put, putBody) = await SendAsync(client, HttpMethod.Put, Path, stale);
        Assert.Equal(HttpStatusCode.OK, put);
        Assert.Equal("3", (string?)putBody["data"]!["c"]);

        var (unsupported, _) = await SendAsync(client, HttpMethod.Patch, Path, new JsonArray(), "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, unsupported);
    }

    [Fact]
    public async Task Label_and_field_selectors_filter_lists()
    {
        using var client = _fixture.CreateClient();
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "db"), ("c", (string?)null) })
        {
            var map = ConfigMap(name);
            if (tier is not null)
            {
                map["metadata"]!["labels"] = new JsonObject { ["tier"] = tier };
            }

            _server.PutObject(map);
        }

        async Task<string[]> NamesAsync(string query) =>
            (await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/default/configmaps?" + query)).Body["items"]!.AsArray()
                .Select(i => (string)i!["metadata"]!["name"]!).ToArray();

        Assert.Equal(["a", "b"], await NamesAsync("labelSelector=" + Uri.EscapeDataString("tier in (web, db)")));
        Assert.Equal(["b", "c"], await NamesAsync("labelSelector=" + Uri.EscapeDataString("tier!=web")));
        Assert.Equal(["a", "b"], await NamesAsync("labelSelector=tier"));
        Assert.Equal(["c"], await NamesAsync("labelSelector=" + Uri.EscapeDataString("!tier")));
        Assert.Equal(["c"], await NamesAsync("labelSelector=" + Uri.EscapeDataString("tier notin (web,db)")));
        Assert.Equal(["b"], await NamesAsync("fieldSelector=metadata.name%3Db"));
        var (bad, badBody) = await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/default/configmaps?fieldSelector=data.x%3D1");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal("field label not supported: data.x", (string?)badBody["message"]);

        var all = (await SendAsync(client, HttpMethod.Get, "/api/v1/configmaps")).Body["items"]!.AsArray();
        Assert.Equal(3, all.Count);

        var (_, firstPage) = await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/default/configmaps?limit=2");
        Assert.Equal(2, firstPage["items"]!.AsArray().Count);
        Assert.Equal(1, (int?)firstPage["metadata"]!["remainingItemCount"]);
        var (_, lastPage) = await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/default/configmaps?limit=2&continue=" + Uri.EscapeDataString((string)firstPage["metadata"]!["continue"]!));
        Assert.Equal("c", (string?)Assert.Single(lastPage["items"]!.AsArray())!["metadata"]!["name"]);
        Assert.Null(lastPage["metadata"]!["continue"]);
    }

    [Fact]
    public async Task Custom_resources_are_served_once_their_crd_is_stored()
    {
        using var client = _fixture.CreateClient();
        _server.PutObject(JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"secretproviderclasses.secrets-store.csi.x-k8s.io"},
             "spec":{"group":"secrets-store.csi.x-k8s.io","scope":"Namespaced",
                     "names":{"kind":"SecretProviderClass","listKind":"SecretProviderClassList","plural":"secretproviderclasses","singular":"secretproviderclass"},
                     "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}},{"name":"v1alpha1","served":true,"storage":false}]}}
            """)!.AsObject());
        var spc = JsonNode.Parse("""
            {"apiVersion":"secrets-store.csi.x-k8s.io/v1","kind":"SecretProviderClass","metadata":{"name":"kv","namespace":"default"},
             "spec":{"provider":"azure","parameters":{"keyvaultName":"kv1","tenantId":"t"}}}
            """)!.AsObject();
        var (created, body) = await ApplyAsync(client, "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/default/secretproviderclasses/kv", spc, "aks-security");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(1, (long?)body["metadata"]!["generation"]);

        var list = (await SendAsync(client, HttpMethod.Get, "/apis/secrets-store.csi.x-k8s.io/v1/secretproviderclasses")).Body;
        Assert.Equal("SecretProviderClassList", (string?)list["kind"]);
        Assert.Equal("SecretProviderClass", (string?)list["items"]![0]!["kind"]);
        Assert.Equal("kv1", (string?)_server.GetObject("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", "default", "kv")!["spec"]!["parameters"]!["keyvaultName"]);

        var groups = (await SendAsync(client, HttpMethod.Get, "/apis")).Body["groups"]!.AsArray().Select(g => (string?)g!["name"]);
        Assert.Contains("secrets-store.csi.x-k8s.io", groups);
        var resources = (await SendAsync(client, HttpMethod.Get, "/apis/secrets-store.csi.x-k8s.io/v1")).Body;
        Assert.Equal("SecretProviderClass", (string?)resources["resources"]![0]!["kind"]);
    }

    [Fact]
    public async Task Namespaces_get_a_default_service_account_and_take_their_objects_with_them()
    {
        using var client = _fixture.CreateClient();
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "aks-security" } };
        var (created, body) = await ApplyAsync(client, "/api/v1/namespaces/aks-security", ns, "aks-security");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("Active", (string?)body["status"]!["phase"]);
        Assert.NotNull(_server.GetObject("v1", "ServiceAccount", "aks-security", "default"));
        await ApplyAsync(client, "/api/v1/namespaces/aks-security/configmaps/c", ConfigMap("c", "aks-security"), "aks-security");

        var (deleted, deletedBody) = await SendAsync(client, HttpMethod.Delete, "/api/v1/namespaces/aks-security");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal("Terminating", (string?)deletedBody["status"]!["phase"]);
        Assert.Null(_server.GetObject("v1", "ConfigMap", "aks-security", "c"));
        Assert.Null(_server.GetObject("v1", "Namespace", null, "aks-security"));
    }

    [Fact]
    public async Task Secrets_fold_string_data_into_data()
    {
        using var client = _fixture.CreateClient();
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = "hook", ["namespace"] = "kube-system" },
            ["stringData"] = new JsonObject { ["url"] = "https://hooks.example/x" },
        };
        var (_, first) = await ApplyAsync(client, "/api/v1/namespaces/kube-system/secrets/hook", secret, "aks-security");
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("https://hooks.example/x")), (string?)first["data"]!["url"]);
        Assert.Null(first["stringData"]);
        var (_, second) = await ApplyAsync(client, "/api/v1/namespaces/kube-system/secrets/hook", secret, "aks-security");
        Assert.Equal((string?)first["metadata"]!["resourceVersion"], (string?)second["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task Faults_answer_a_status_with_retry_after_or_reset_the_connection_and_are_recorded()
    {
        using var client = _fixture.CreateClient();
        _server.InjectFault("GET", "/configmaps", 429, retryAfterSeconds: 2, times: 1);
        using (var response = await client.GetAsync("/api/v1/namespaces/default/configmaps"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            AssertStatus(body, 429, "TooManyRequests");
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/namespaces/default/configmaps")).StatusCode);

        _server.InjectConnectionReset(null, "/nodes");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/api/v1/nodes"));

        Assert.Equal([429, 200, 0], _server.Requests.Select(r => r.Status));
        Assert.All(_server.Requests, r => Assert.Equal("Token", r.AuthKind));
    }

    [Fact]
    public async Task A_watch_sends_added_modified_and_deleted_events_for_its_selection()
    {
        using var client = _fixture.CreateClient();
        var existing = ConfigMap("existing");
        existing["metadata"]!["labels"] = new JsonObject { ["watched"] = "yes" };
        _server.PutObject(existing);
        _server.PutObject(ConfigMap("ignored"));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var response = await client.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&labelSelector=watched", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        async Task<(string? Type, string? Name, JsonNode? Object)> NextAsync()
        {
            var line = JsonNode.Parse((await reader.ReadLineAsync(cancel.Token))!)!;
            return ((string?)line["type"], (string?)line["object"]!["metadata"]!["name"], line["object"]);
        }

        var first = await NextAsync();
        Assert.Equal(("ADDED", "existing"), (first.Type, first.Name));
        Assert.Equal("ConfigMap", (string?)first.Object!["kind"]);

        var added = ConfigMap("new");
        added["metadata"]!["labels"] = new JsonObject { ["watched"] = "yes" };
        await ApplyAsync(client, "/api/v1/namespaces/default/configmaps/new", added, "aks-security");
        var addedEvent = await NextAsync();
        Assert.Equal(("ADDED", "new"), (addedEvent.Type, addedEvent.Name));
        added["data"] = new JsonObject { ["a"] = "1" };
        await ApplyAsync(client, "/api/v1/namespaces/default/configmaps/new", added, "aks-security");
        var modified = await NextAsync();
        Assert.Equal(("MODIFIED", "new", "1"), (modified.Type, modified.Name, (string?)modified.Object!["data"]!["a"]));
        await client.DeleteAsync("/api/v1/namespaces/default/configmaps/existing", cancel.Token);
        var deletedEvent = await NextAsync();
        Assert.Equal(("DELETED", "existing"), (deletedEvent.Type, deletedEvent.Name));

        using var ended = await client.GetAsync("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=1", cancel.Token);
        Assert.Equal("", await ended.Content.ReadAsStringAsync(cancel.Token));
    }

    [Fact]
    public async Task The_journal_records_method_path_query_and_content_type()
    {
        using var client = _fixture.CreateClient();
        await ApplyAsync(client, "/api/v1/namespaces/default/configmaps/j", ConfigMap("j"), "aks-security");
        var entry = Assert.Single(_server.Requests);
        Assert.Equal("PATCH", entry.Method);
        Assert.Equal("/api/v1/namespaces/default/configmaps/j", entry.Path);
        Assert.Equal("?fieldManager=aks-security", entry.Query);
        Assert.StartsWith(ApplyType, entry.ContentType);
        Assert.Equal("fake-token-user", entry.User);
        Assert.Equal(201, entry.Status);
        _server.ClearRequests();
        Assert.Empty(_server.Requests);
    }
}
