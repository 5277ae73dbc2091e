using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tests.TestServers;

namespace AksSecurity.Engine.Tests.Kubernetes;

/// <summary>Plans and applies against the fake Kubernetes API server: GETs only to plan, idempotent re-runs, labelled removal.</summary>
public sealed class KubernetesInstallerTests : IClassFixture<FakeKubernetesFixture>
{
    private const string Component = "test-tool";
    private readonly FakeKubernetesFixture _fixture;
    private readonly RecordingSink _sink = new();

    public KubernetesInstallerTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        fixture.Reset();
    }

    private async Task<KubernetesSession> OpenAsync()
    {
        var connection = await ArmConnection.ConnectAsync(_fixture.AccessTokenRequest(), _sink, default);
        return await KubernetesSession.OpenAsync(
            KubernetesTarget.FromCluster(connection, ClusterResourceId.Parse(FakeKubernetesFixture.ClusterId("rg1", "clustername1")), admin: false), _sink, default);
    }

    private static List<JsonObject> Desired(string period = "1h", bool withSecret = true)
    {
        var objects = new List<JsonObject>
        {
            Json("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"tool","namespace":"tool-ns"},"spec":{"selector":{"matchLabels":{"name":"tool"}},"template":{"metadata":{"labels":{"name":"tool"}},"spec":{"serviceAccountName":"tool","containers":[{"name":"tool","image":"example/tool:1","args":["--period=PERIOD"]}]}}}}""".Replace("PERIOD", period, StringComparison.Ordinal)),
            Json("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"tool"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"tool"},"subjects":[{"kind":"ServiceAccount","name":"tool","namespace":"tool-ns"}]}"""),
            Json("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"tool"},"rules":[{"apiGroups":[""],"resources":["nodes"],"verbs":["get","list"]}]}"""),
            Json("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"tool","namespace":"tool-ns"}}"""),
            Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tool-ns"}}"""),
        };
        if (withSecret)
        {
            objects.Add(Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"tool-notify","namespace":"tool-ns"},"stringData":{"url":"https://hooks.example/secret-path"}}"""));
        }

        return objects;
    }

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public async Task Plan_sends_only_reads_then_apply_goes_in_dependency_order_and_a_rerun_changes_nothing()
    {
        await using var session = await OpenAsync();
        var plan = await KubernetesInstaller.PlanAsync(session, Component, Desired(), default);
        Assert.All(_fixture.Kubernetes.Requests, r => Assert.Equal("GET", r.Method));
        Assert.False(plan.IsEmpty);
        Assert.All(plan.Changes, c => Assert.Equal("Create", c.Action));
        Assert.Equal(new[] { "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Secret", "DaemonSet" }, plan.Changes.Select(c => c.Kind));
        Assert.StartsWith("Create Namespace tool-ns", plan.Describe(), StringComparison.Ordinal);

        var applied = await KubernetesInstaller.ApplyAsync(session, plan, force: false, _sink, default);
        Assert.All(applied, c => Assert.Equal("Created", c.Action));
        Assert.All(applied, c => Assert.Equal("clustername1", c.Cluster));
        var ds = _fixture.Kubernetes.GetObject("apps/v1", "DaemonSet", "tool-ns", "tool")!;
        Assert.True(KubernetesOwnership.IsOwnedBy(ds, Component));
        Assert.Contains(_sink.Of("progress"), p => p.Contains("Create DaemonSet tool-ns/tool", StringComparison.Ordinal));

        _fixture.Kubernetes.ClearRequests();
        var again = await KubernetesInstaller.PlanAsync(session, Component, Desired(), default);
        Assert.True(again.IsEmpty, again.Describe());
        Assert.All(again.Changes, c => Assert.Equal("Unchanged", c.Action));
        var rerun = await KubernetesInstaller.ApplyAsync(session, again, false, _sink, default);
        Assert.All(rerun, c => Assert.Equal("Unchanged", c.Action));
        Assert.All(_fixture.Kubernetes.Requests, r => Assert.Equal("GET", r.Method));
    }

    [Fact]
    public async Task A_changed_parameter_updates_only_that_field_and_secrets_stay_hidden()
    {
        await using var session = await OpenAsync();
        await KubernetesInstaller.ApplyAsync(session, await KubernetesInstaller.PlanAsync(session, Component, Desired(), default), false, _sink, default);

        var desired = Desired("2h");
        desired[^1]["stringData"]!["url"] = "https://hooks.example/other-secret";
        var plan = await KubernetesInstaller.PlanAsync(session, Component, desired, default);
        var updates = plan.Changes.Where(c => c.Action == "Update").ToList();
        Assert.Equal(new[] { "Secret", "DaemonSet" }, updates.Select(c => c.Kind));
        Assert.Equal(new[] { "data.url: (secret)" }, updates[0].Fields);
        Assert.Equal(new[] { "spec.template.spec.containers[name=tool].args: [\"--period=1h\"] → [\"--period=2h\"]" }, updates[1].Fields);
        Assert.DoesNotContain("secret-path", plan.Describe());
        Assert.DoesNotContain("other-secret", plan.Describe());

        var applied = await KubernetesInstaller.ApplyAsync(session, plan, false, _sink, default);
        Assert.Equal(2, applied.Count(c => c.Action == "Updated"));
        Assert.Equal(4, applied.Count(c => c.Action == "Unchanged"));
    }

    [Fact]
    public async Task Objects_no_longer_desired_are_deleted_only_when_labelled_as_ours()
    {
        await using var session = await OpenAsync();
        await KubernetesInstaller.ApplyAsync(session, await KubernetesInstaller.PlanAsync(session, Component, Desired(), default), false, _sink, default);
        _fixture.Kubernetes.PutObject(Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"someone-elses","namespace":"tool-ns"},"data":{}}"""));

        // An installation names every kind it may have created; the Secret is no longer among the desired objects.
        var plan = await KubernetesInstaller.PlanAsync(session, Component, Desired(withSecret: false), default, new[] { ("v1", "Secret") });
        var delete = Assert.Single(plan.Changes, c => c.Action == "Delete");
        Assert.Equal(("Secret", "tool-notify"), (delete.Kind, delete.Name));
        await KubernetesInstaller.ApplyAsync(session, plan, false, _sink, default);
        Assert.Null(_fixture.Kubernetes.GetObject("v1", "Secret", "tool-ns", "tool-notify"));
        Assert.NotNull(_fixture.Kubernetes.GetObject("v1", "Secret", "tool-ns", "someone-elses"));
    }

    [Fact]
    public async Task Removal_deletes_every_labelled_object_in_reverse_order_and_nothing_else()
    {
        await using var session = await OpenAsync();
        await KubernetesInstaller.ApplyAsync(session, await KubernetesInstaller.PlanAsync(session, Component, Desired(), default), false, _sink, default);
        _fixture.Kubernetes.PutObject(Json("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"unrelated","labels":{"app.kubernetes.io/managed-by":"AksSecurity","aks-security.io/component":"other-tool"}},"rules":[]}"""));
        var kinds = new[] { ("v1", "Namespace"), ("v1", "ServiceAccount"), ("v1", "Secret"), ("apps/v1", "DaemonSet"), ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") };

        var plan = await KubernetesInstaller.PlanRemovalAsync(session, Component, kinds, default);
        Assert.All(plan.Changes, c => Assert.Equal("Delete", c.Action));
        Assert.Equal(new[] { "DaemonSet", "Secret", "ClusterRoleBinding", "ClusterRole", "ServiceAccount", "Namespace" }, plan.Changes.Select(c => c.Kind));
        var removed = await KubernetesInstaller.ApplyAsync(session, plan, false, _sink, default);
        Assert.Equal(6, removed.Count(c => c.Action == "Deleted"));
        Assert.Null(_fixture.Kubernetes.GetObject("apps/v1", "DaemonSet", "tool-ns", "tool"));
        Assert.NotNull(_fixture.Kubernetes.GetObject("rbac.authorization.k8s.io/v1", "ClusterRole", null, "unrelated"));
        Assert.True((await KubernetesInstaller.PlanRemovalAsync(session, Component, kinds, default)).IsEmpty);
    }

    [Fact]
    public async Task Existing_objects_we_did_not_create_are_a_warning_and_duplicates_are_refused()
    {
        await using var session = await OpenAsync();
        _fixture.Kubernetes.PutObject(Json("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"tool","namespace":"default"}}"""));
        var desired = Desired();
        desired[3]["metadata"]!["namespace"] = "default";
        var plan = await KubernetesInstaller.PlanAsync(session, Component, desired, default);
        Assert.Contains(plan.Warnings, w => w.Contains("ServiceAccount default/tool already exists", StringComparison.Ordinal));

        var twice = Desired();
        twice.Add(Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"tool-ns"}}"""));
        Assert.Equal(AksErrorKind.InvalidArgument, (await Assert.ThrowsAsync<AksSecurityException>(() => KubernetesInstaller.PlanAsync(session, Component, twice, default))).Kind);
    }

    [Fact]
    public async Task A_namespace_someone_else_made_is_used_as_it_is_and_system_namespaces_are_never_deleted()
    {
        await using var session = await OpenAsync();
        var desired = Desired();
        desired[4]["metadata"]!["name"] = "kube-system";
        foreach (var obj in desired.Where(o => o["metadata"]!["namespace"] is not null))
        {
            obj["metadata"]!["namespace"] = "kube-system";
        }

        desired[1]["subjects"]![0]!["namespace"] = "kube-system";
        var plan = await KubernetesInstaller.PlanAsync(session, Component, desired, default);
        Assert.Equal("Unchanged", plan.Changes.Single(c => c.Kind == "Namespace").Action);
        await KubernetesInstaller.ApplyAsync(session, plan, false, _sink, default);
        Assert.False(KubernetesOwnership.IsOwnedBy(_fixture.Kubernetes.GetObject("v1", "Namespace", null, "kube-system")!, Component));

        // Even when someone labels kube-system as ours, removal leaves it.
        var kubeSystem = _fixture.Kubernetes.GetObject("v1", "Namespace", null, "kube-system")!;
        KubernetesOwnership.Mark(kubeSystem, Component);
        _fixture.Kubernetes.PutObject(kubeSystem);
        var removal = await KubernetesInstaller.PlanRemovalAsync(session, Component, new[] { ("v1", "Namespace"), ("apps/v1", "DaemonSet") }, default);
        Assert.Equal(new[] { "DaemonSet" }, removal.Changes.Select(c => c.Kind));
    }
}
