using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tests.TestServers;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Kubernetes;

/// <summary>Sessions against the fake Kubernetes API server: through the fake ARM's credential actions and through kubeconfig files.</summary>
public sealed class KubernetesSessionTests : IClassFixture<FakeKubernetesFixture>
{
    private readonly FakeKubernetesFixture _fixture;
    private readonly RecordingSink _sink = new();

    public KubernetesSessionTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        fixture.Reset();
    }

    private async Task<ArmConnection> ConnectAsync(bool servicePrincipal = false) =>
        await ArmConnection.ConnectAsync(servicePrincipal ? _fixture.ServicePrincipalRequest() : _fixture.AccessTokenRequest(), _sink, default);

    private async Task<KubernetesSession> OpenAsync(string rg, string name, bool admin = false, bool servicePrincipal = false) =>
        await KubernetesSession.OpenAsync(
            KubernetesTarget.FromCluster(await ConnectAsync(servicePrincipal), ClusterResourceId.Parse(FakeKubernetesFixture.ClusterId(rg, name)), admin), _sink, default);

    [Fact]
    public async Task User_credential_of_a_local_account_cluster_signs_in_with_its_token_and_keeps_arm_facts()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        Assert.Equal("Token", session.Authentication);
        Assert.Equal("clustername1", session.ClusterName);
        Assert.Equal(FakeKubernetesFixture.ClusterId("rg1", "clustername1"), session.ClusterId);
        Assert.NotNull(session.NodeOsUpgradeChannel);
        Assert.Equal("v1.31.2", await session.GetServerVersionAsync(default));
        var nodes = await session.Objects.ListAsync("v1", "Node", null, null, default);
        Assert.Equal(FakeKubernetesServer.NodeNames, nodes.Select(n => n["metadata"]!["name"]!.GetValue<string>()));
        Assert.All(nodes, n => Assert.Equal("Node", n["kind"]!.GetValue<string>()));
        Assert.All(_fixture.Kubernetes.Requests, r => Assert.Equal("clusterUser", r.User));
        Assert.Contains(_fixture.Arm.Requests, r => r.Path.EndsWith("/listClusterUserCredential", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Entra_cluster_user_gets_a_token_for_the_aks_server_application_instead_of_kubelogin()
    {
        await using var session = await OpenAsync("rg2", "restricted1", servicePrincipal: true);
        Assert.Equal("Entra", session.Authentication);
        Assert.Equal("v1.31.2", await session.GetServerVersionAsync(default));
        await session.Objects.GetAsync("v1", "Namespace", null, "default", default);
        Assert.All(_fixture.Kubernetes.Requests, r => Assert.Equal("EntraToken", r.AuthKind));
    }

    [Fact]
    public async Task Admin_credential_is_the_client_certificate()
    {
        await using var session = await OpenAsync("rg1", "clustername1", admin: true);
        Assert.Equal("ClientCertificate", session.Authentication);
        Assert.NotNull(await session.Objects.GetAsync("v1", "Namespace", null, "kube-system", default));
        var request = Assert.Single(_fixture.Kubernetes.Requests);
        Assert.Equal(("ClientCertificate", "masterclient"), (request.AuthKind, request.User));
    }

    [Fact]
    public async Task Admin_is_refused_before_arm_is_asked_when_local_accounts_are_disabled()
    {
        var id = FakeKubernetesFixture.ClusterId("rg1", "clustername1");
        var cluster = _fixture.Arm.GetCluster(id)!;
        cluster["properties"]!["disableLocalAccounts"] = true;
        _fixture.Arm.PutCluster(cluster);
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => OpenAsync("rg1", "clustername1", admin: true));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Contains("disableLocalAccounts", ex.Message);
        Assert.DoesNotContain(_fixture.Arm.Requests, r => r.Path.Contains("listClusterAdminCredential", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(FakeKubeUser.Token, "Token")]
    [InlineData(FakeKubeUser.ClientCertificate, "ClientCertificate")]
    public async Task Kubeconfig_files_work_with_token_and_certificate_users(FakeKubeUser user, string authentication)
    {
        var path = _fixture.WriteKubeConfig(user);
        await using var session = await KubernetesSession.OpenAsync(KubernetesTarget.FromKubeConfig(path, null), _sink, default);
        Assert.Equal(authentication, session.Authentication);
        Assert.Null(session.ClusterId);
        Assert.Null(session.NodeOsUpgradeChannel);
        Assert.Equal("v1.31.2", await session.GetServerVersionAsync(default));
    }

    [Fact]
    public async Task Kubeconfig_file_with_a_kubelogin_user_signs_in_with_the_connections_entra_token()
    {
        var connection = await ConnectAsync(servicePrincipal: true);
        var kubeConfig = await KubeConfigExport.GetAsync(connection, ClusterResourceId.Parse(FakeKubernetesFixture.ClusterId("rg2", "restricted1")), false, "entra", _sink, default);
        Assert.Equal("Entra", kubeConfig.Authentication);
        var path = Path.Combine(Path.GetTempPath(), $"entra-kubeconfig-{Guid.NewGuid():N}");
        try
        {
            KubeConfigExport.WriteFile(kubeConfig, path, force: false);
            var target = KubernetesTarget.FromKubeConfig(path, "entra");
            Assert.True(target.NeedsAzureCredential);
            var notConnected = await Assert.ThrowsAsync<AksSecurityException>(() => KubernetesSession.OpenAsync(target, _sink, default));
            Assert.Equal(AksErrorKind.NotConnected, notConnected.Kind);

            await using var session = await KubernetesSession.OpenAsync(target.WithConnection(connection), _sink, default);
            Assert.Equal("Entra", session.Authentication);
            Assert.Equal("v1.31.2", await session.GetServerVersionAsync(default));
            Assert.Equal("EntraToken", Assert.Single(_fixture.Kubernetes.Requests).AuthKind);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Apply_creates_then_leaves_then_updates_and_conflicts_need_force()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        var objects = session.Objects;
        var map = ConfigMap("v1");

        var created = await objects.ApplyAsync(map, force: false, default);
        Assert.Equal(ApplyOutcome.Created, created.Outcome);
        Assert.Equal(ApplyOutcome.Unchanged, (await objects.ApplyAsync(ConfigMap("v1"), false, default)).Outcome);
        var updated = await objects.ApplyAsync(ConfigMap("v2"), false, default);
        Assert.Equal(ApplyOutcome.Updated, updated.Outcome);
        Assert.Equal("v2", updated.Live["data"]!["value"]!.GetValue<string>());
        var patch = _fixture.Kubernetes.Requests.Last(r => r.Method == "PATCH");
        Assert.Equal("application/apply-patch+yaml", patch.ContentType);
        Assert.Contains("fieldManager=aks-security", patch.Query);
        Assert.DoesNotContain("force", patch.Query);

        // Another tool takes the field over; our apply then conflicts, naming it, until -Force.
        using (var other = _fixture.CreateClient())
        {
            var body = new StringContent(ConfigMap("theirs").ToJsonString());
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/apply-patch+yaml");
            using var response = await other.PatchAsync("api/v1/namespaces/default/configmaps/settings?fieldManager=kubectl&force=true", body);
            Assert.True(response.IsSuccessStatusCode);
        }

        var conflict = await Assert.ThrowsAsync<AksSecurityException>(() => objects.ApplyAsync(ConfigMap("v3"), false, default));
        Assert.Equal(AksErrorKind.ConcurrentChange, conflict.Kind);
        Assert.Contains("'kubectl' owns", conflict.Message);
        Assert.Contains("-Force", conflict.Message);
        Assert.Equal(ApplyOutcome.Updated, (await objects.ApplyAsync(ConfigMap("v3"), force: true, default)).Outcome);
        Assert.Equal("v3", _fixture.Kubernetes.GetObject("v1", "ConfigMap", "default", "settings")!["data"]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_returns_null_for_absent_and_delete_false_for_absent_and_create_posts()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        Assert.Null(await session.Objects.GetAsync("v1", "ConfigMap", "default", "nope", default));
        Assert.False(await session.Objects.DeleteAsync("v1", "ConfigMap", "default", "nope", default));
        var created = await session.Objects.CreateAsync(ConfigMap("x"), default);
        Assert.NotNull(created["metadata"]!["uid"]);
        Assert.True(await session.Objects.DeleteAsync("v1", "ConfigMap", "default", "settings", default));
        Assert.Contains("propagationPolicy=Background", _fixture.Kubernetes.Requests.Last(r => r.Method == "DELETE").Query);
    }

    [Fact]
    public async Task Errors_map_to_kinds_the_user_can_act_on()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        var missingNamespace = ConfigMap("x");
        missingNamespace["metadata"]!["namespace"] = "does-not-exist";
        Assert.Equal(AksErrorKind.ObjectNotFound, (await Assert.ThrowsAsync<AksSecurityException>(() => session.Objects.CreateAsync(missingNamespace, default))).Kind);
        var noNamespace = ConfigMap("x");
        noNamespace["metadata"]!.AsObject().Remove("namespace");
        Assert.Equal(AksErrorKind.InvalidArgument, (await Assert.ThrowsAsync<AksSecurityException>(() => session.Objects.ApplyAsync(noNamespace, false, default))).Kind);

        var path = _fixture.WriteKubeConfig();
        File.WriteAllText(path, File.ReadAllText(path).Replace(_fixture.Kubernetes.StaticToken, FakeKubernetesServer.ForbiddenToken, StringComparison.Ordinal));
        await using var forbidden = await KubernetesSession.OpenAsync(KubernetesTarget.FromKubeConfig(path, null), _sink, default);
        var denied = await Assert.ThrowsAsync<AksSecurityException>(() => forbidden.Objects.ListAsync("apps/v1", "DaemonSet", "kube-system", null, default));
        Assert.Equal(AksErrorKind.PermissionDenied, denied.Kind);
        Assert.Contains("list daemonsets", denied.Message);

        File.WriteAllText(path, File.ReadAllText(path).Replace(FakeKubernetesServer.ForbiddenToken, "unknown-token", StringComparison.Ordinal));
        await using var unknown = await KubernetesSession.OpenAsync(KubernetesTarget.FromKubeConfig(path, null), _sink, default);
        Assert.Equal(AksErrorKind.AuthenticationError, (await Assert.ThrowsAsync<AksSecurityException>(() => unknown.GetServerVersionAsync(default))).Kind);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_honouring_retry_after_then_reported()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        _fixture.Kubernetes.InjectFault("GET", "/version", 429, retryAfterSeconds: 0, times: 2);
        Assert.Equal("v1.31.2", await session.GetServerVersionAsync(default));
        Assert.Equal(3, _fixture.Kubernetes.Requests.Count(r => r.Path == "/version"));

        _fixture.Kubernetes.InjectFault("GET", "/version", 503, retryAfterSeconds: 0, times: 10);
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => session.GetServerVersionAsync(default));
        Assert.Equal(AksErrorKind.ServiceUnavailable, ex.Kind);
        Assert.Equal(3 + KubernetesHttp.MaxRetries + 1, _fixture.Kubernetes.Requests.Count(r => r.Path == "/version"));
    }

    [Fact]
    public async Task Connection_resets_are_retried()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        _fixture.Kubernetes.InjectConnectionReset("GET", "/version", times: 2);
        Assert.Equal("v1.31.2", await session.GetServerVersionAsync(default));
        Assert.Contains(_sink.Of("debug"), d => d.Contains("GET /version → failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Debug_lines_name_method_and_path_but_never_the_token_or_secret_values()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        var secret = JsonNode.Parse("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"hook","namespace":"default"},"stringData":{"url":"https://hooks.example/very-secret"}}""")!.AsObject();
        await session.Objects.ApplyAsync(secret, false, default);
        var debug = string.Join("\n", _sink.Of("debug"));
        Assert.Contains("Kubernetes PATCH /api/v1/namespaces/default/secrets/hook?fieldManager=aks-security → 201", debug);
        Assert.DoesNotContain("very-secret", _sink.AllText);
        Assert.DoesNotContain(_fixture.Kubernetes.StaticToken, _sink.AllText);
    }

    [Fact]
    public async Task Pod_logs_are_read_and_followed()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        _fixture.Kubernetes.PutObject(JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"default"},"spec":{"containers":[{"name":"c","image":"i"}]},"status":{"phase":"Running"}}""")!.AsObject());
        _fixture.Kubernetes.AppendPodLog("default", "p", null, "one\ntwo\nthree");
        Assert.Equal("three\n", (await session.Objects.ReadLogAsync("default", "p", "c", null, 1, default)).Replace("\r", ""));

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var lines = new List<string>();
        await foreach (var line in session.Objects.FollowLogAsync("default", "p", null, null, cancel.Token))
        {
            lines.Add(line);
            if (lines.Count == 3)
            {
                _fixture.Kubernetes.AppendPodLog("default", "p", null, "four");
            }

            if (lines.Count == 4)
            {
                break;
            }
        }

        Assert.Equal(new[] { "one", "two", "three", "four" }, lines);
    }

    [Fact]
    public async Task Custom_resources_are_reached_through_discovery_once_their_crd_exists()
    {
        await using var session = await OpenAsync("rg1", "clustername1");
        var crd = ManifestYaml.Parse(File.ReadAllText(KubernetesTestData.Path("secrets-store-csi/crd/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml")), "crd")[0];
        Assert.Equal(ApplyOutcome.Created, (await session.Objects.ApplyAsync(crd, false, default)).Outcome);
        var spc = ManifestYaml.Parse(KubernetesTestData.Manifest("secretproviderclass_workload_identity.yaml"), "spc")[0];
        spc["metadata"]!["namespace"] = "default";
        Assert.Equal(ApplyOutcome.Created, (await session.Objects.ApplyAsync(spc, false, default)).Outcome);
        Assert.Single(await session.Objects.ListAsync("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", null, null, default));
    }

    private static JsonObject ConfigMap(string value) =>
        new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "settings", ["namespace"] = "default" },
            ["data"] = new JsonObject { ["value"] = value },
        };
}
