using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tests.TestServers;
using AksSecurity.Engine.Tools.Kured;
using AksSecurity.TestServers;
using AksSecurity.TestServers.Kubernetes;

namespace AksSecurity.Engine.Tests.Tools.Kured;

/// <summary>Install, re-run, change, conflict, guard, status and uninstall against the fake ARM and fake Kubernetes API server.</summary>
public sealed class KuredIntegrationTests : IClassFixture<FakeKubernetesFixture>
{
    private static readonly string ClusterId = FakeKubernetesFixture.ClusterId("rg1", "clustername1");
    private readonly FakeKubernetesFixture _fake;

    public KuredIntegrationTests(FakeKubernetesFixture fake)
    {
        _fake = fake;
        _fake.Reset();
    }

    private FakeKubernetesServer Kube => _fake.Kubernetes;

    private KubernetesTarget KubeConfigTarget() => KubernetesTarget.FromKubeConfig(_fake.WriteKubeConfig(), null);

    private async Task<KubernetesTarget> ArmTarget(string? nodeOsChannel)
    {
        var cluster = _fake.Arm.GetCluster(ClusterId)!;
        var properties = cluster["properties"]!.AsObject();
        if (nodeOsChannel is not null)
        {
            properties["autoUpgradeProfile"] = new JsonObject { ["nodeOSUpgradeChannel"] = nodeOsChannel };
            _fake.Arm.PutCluster(cluster);
        }

        var connection = await ArmConnection.ConnectAsync(_fake.AccessTokenRequest(), new RecordingSink(), CancellationToken.None);
        return KubernetesTarget.FromCluster(connection, ClusterResourceId.Parse(ClusterId), admin: false);
    }

    private static KuredInstallation Install(KuredRequest request, bool force = false) => new(new KuredSettings(request), force);

    private static async Task<KubernetesApplyPlan> PlanAsync(KubernetesTarget target, IKubernetesInstallation installation, IOperationSink? sink = null)
    {
        await using var session = await KubernetesSession.OpenAsync(target, sink ?? new RecordingSink(), CancellationToken.None);
        return await KubernetesInstaller.PlanInstallationAsync(session, installation, sink ?? new RecordingSink(), CancellationToken.None);
    }

    /// <summary>What the cmdlets do: plan, then apply.</summary>
    private static async Task<(KubernetesApplyPlan Plan, IReadOnlyList<KubernetesObjectChange> Changes)> RunAsync(
        KubernetesTarget target, IKubernetesInstallation installation, bool force = false, RecordingSink? sink = null)
    {
        sink ??= new RecordingSink();
        await using var session = await KubernetesSession.OpenAsync(target, sink, CancellationToken.None);
        var plan = await KubernetesInstaller.PlanInstallationAsync(session, installation, sink, CancellationToken.None);
        var changes = await KubernetesInstaller.ApplyAsync(session, plan, force, sink, CancellationToken.None);
        return (plan, changes);
    }

    private JsonObject? LiveDaemonSet() => Kube.GetObject("apps/v1", "DaemonSet", "kube-system", "kured");

    private static Dictionary<string, string?> EnvOf(JsonObject daemonSet) =>
        daemonSet["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => e!["value"]?.GetValue<string>());

    private IEnumerable<KubernetesRecordedRequest> Writes => Kube.Requests.Where(r => r.Method is not "GET");

    [Fact]
    public async Task Install_creates_every_object_and_a_rerun_sends_nothing()
    {
        var target = KubeConfigTarget();
        var (_, changes) = await RunAsync(target, Install(new KuredRequest { Period = "30m", RebootDays = new[] { "sat", "sun" } }));

        Assert.Equal(6, changes.Count);
        Assert.All(changes, c => Assert.Equal("Created", c.Action));
        foreach (var (apiVersion, kind, ns) in new[]
        {
            ("rbac.authorization.k8s.io/v1", "ClusterRole", (string?)null), ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", null),
            ("rbac.authorization.k8s.io/v1", "Role", "kube-system"), ("rbac.authorization.k8s.io/v1", "RoleBinding", "kube-system"),
            ("v1", "ServiceAccount", "kube-system"), ("apps/v1", "DaemonSet", "kube-system"),
        })
        {
            var live = Kube.GetObject(apiVersion, kind, ns, "kured");
            Assert.NotNull(live);
            Assert.True(KuredManifest.IsOurs(live!), $"{kind} is not labelled ours");
        }

        var env = EnvOf(LiveDaemonSet()!);
        Assert.Equal("30m", env["KURED_PERIOD"]);
        Assert.Equal("su,sa", env["KURED_REBOOT_DAYS"]);
        Assert.Equal("true", env["KURED_ANNOTATE_NODES"]);
        // The DaemonSet controller of the fake runs one kured pod per Linux node.
        Assert.Equal(3, Kube.ListObjects("v1", "Pod", "kube-system").Count(p => p["metadata"]!["name"]!.GetValue<string>().StartsWith("kured-", StringComparison.Ordinal)));

        Kube.ClearRequests();
        var (plan, again) = await RunAsync(target, Install(new KuredRequest { Period = "00:30:00", RebootDays = new[] { "Saturday", "su" } }));
        Assert.True(plan.IsEmpty, plan.Describe());
        Assert.All(again, c => Assert.Equal("Unchanged", c.Action));
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task What_if_planning_sends_only_reads()
    {
        var target = KubeConfigTarget();
        var plan = await PlanAsync(target, Install(new KuredRequest()));

        Assert.Equal(6, plan.Changes.Count(c => c.Action == "Create"));
        Assert.Contains("DaemonSet", plan.Describe());
        Assert.Empty(Writes);
        Assert.Null(LiveDaemonSet());
    }

    [Fact]
    public async Task A_changed_parameter_updates_only_the_daemonset_and_only_that_entry()
    {
        var target = KubeConfigTarget();
        await RunAsync(target, Install(new KuredRequest { Period = "1h", StartTime = "22:00", EndTime = "04:00" }));
        var before = LiveDaemonSet()!;
        var others = Kube.ListObjects("rbac.authorization.k8s.io/v1", "ClusterRole", null).Single(o => (string?)o["metadata"]!["name"] == "kured")["metadata"]!["resourceVersion"]!.GetValue<string>();

        Kube.ClearRequests();
        var sink = new RecordingSink();
        var (plan, changes) = await RunAsync(target, Install(new KuredRequest { Period = "30m", StartTime = "22:00", EndTime = "04:00" }), sink: sink);

        var update = Assert.Single(plan.Changes, c => c.Action == "Update");
        Assert.Equal("DaemonSet", update.Kind);
        Assert.Equal(new[] { "spec.template.spec.containers[name=kured].env[name=KURED_PERIOD].value: \"1h\" → \"30m\"" }, update.Fields);
        Assert.Equal(5, plan.Changes.Count(c => c.Action == "Unchanged"));
        Assert.Equal("Updated", changes.Single(c => c.Kind == "DaemonSet").Action);
        var patch = Assert.Single(Writes);
        Assert.Equal("PATCH", patch.Method);
        Assert.Contains("daemonsets/kured", patch.Path);

        var after = LiveDaemonSet()!;
        var envBefore = EnvOf(before);
        var envAfter = EnvOf(after);
        Assert.Equal("30m", envAfter["KURED_PERIOD"]);
        envBefore.Remove("KURED_PERIOD");
        envAfter.Remove("KURED_PERIOD");
        Assert.Equal(envBefore, envAfter);
        Assert.Equal(others, Kube.GetObject("rbac.authorization.k8s.io/v1", "ClusterRole", null, "kured")!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_parameter_left_out_goes_back_to_the_default_and_the_secret_goes_with_the_notify_url()
    {
        var target = KubeConfigTarget();
        await RunAsync(target, Install(new KuredRequest { Concurrency = 2, NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl) }));
        Assert.NotNull(Kube.GetObject("v1", "Secret", "kube-system", "kured-notify"));

        var (plan, _) = await RunAsync(target, Install(new KuredRequest()));

        Assert.Contains(plan.Changes, c => c.Action == "Delete" && c.Kind == "Secret");
        Assert.Null(Kube.GetObject("v1", "Secret", "kube-system", "kured-notify"));
        var env = EnvOf(LiveDaemonSet()!);
        Assert.False(env.ContainsKey("KURED_CONCURRENCY"));
        Assert.False(env.ContainsKey("KURED_NOTIFY_URL"));
    }

    [Fact]
    public async Task The_notify_url_reaches_only_the_secret()
    {
        var target = KubeConfigTarget();
        var sink = new RecordingSink();
        var (plan, changes) = await RunAsync(target, Install(new KuredRequest { NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl) }), sink: sink);

        var secret = Kube.GetObject("v1", "Secret", "kube-system", "kured-notify")!;
        Assert.Equal(KuredSettingsTests.NotifyUrl, Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["notify-url"]!.GetValue<string>())));
        Assert.True(KuredManifest.IsOurs(secret));
        var reference = LiveDaemonSet()!["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .Single(e => (string?)e!["name"] == "KURED_NOTIFY_URL")!;
        Assert.Equal("{\"secretKeyRef\":{\"name\":\"kured-notify\",\"key\":\"notify-url\"}}", reference["valueFrom"]!.ToJsonString());

        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(KuredSettingsTests.NotifyUrl));
        foreach (var request in Kube.Requests.Where(r => !r.Path.Contains("/secrets/", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain("hook-token", request.Body ?? "");
            Assert.DoesNotContain(base64, request.Body ?? "");
        }

        Assert.DoesNotContain("hook-token", sink.AllText);
        Assert.DoesNotContain("hook-token", plan.Describe());
        Assert.DoesNotContain(base64, plan.Describe());
        Assert.DoesNotContain(changes.SelectMany(c => c.Fields), f => f.Contains("hook-token", StringComparison.Ordinal) || f.Contains(base64, StringComparison.Ordinal));

        // A new URL: the Secret's data shows as (secret), and the pods are rolled through the fingerprint.
        var changed = await PlanAsync(target, Install(new KuredRequest { NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl + "-rotated") }));
        Assert.Contains(changed.Changes.Single(c => c.Kind == "Secret").Fields, f => f.Contains("(secret)", StringComparison.Ordinal));
        Assert.Contains(changed.Changes.Single(c => c.Kind == "DaemonSet").Fields, f => f.Contains(KuredManifest.NotifyFingerprintAnnotation, StringComparison.Ordinal));
        Assert.DoesNotContain("rotated", changed.Describe());
    }

    [Fact]
    public async Task A_field_owned_by_another_manager_is_a_clear_conflict_that_force_takes_over()
    {
        // Another tool (say Helm) applied its own kured DaemonSet with another image.
        var theirs = KuredManifest.Upstream().Single(o => (string?)o["kind"] == "DaemonSet");
        theirs["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "ghcr.io/kubereboot/kured:1.22.1";
        using (var client = _fake.CreateClient())
        {
            using var content = new StringContent(theirs.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");
            using var response = await client.PatchAsync("/apis/apps/v1/namespaces/kube-system/daemonsets/kured?fieldManager=helm", content);
            response.EnsureSuccessStatusCode();
        }

        var target = KubeConfigTarget();
        var plan = await PlanAsync(target, Install(new KuredRequest()));
        Assert.Contains(plan.Warnings, w => w.Contains("kured") && w.Contains("not installed by AksSecurity"));

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => RunAsync(target, Install(new KuredRequest())));
        Assert.Equal(AksErrorKind.ConcurrentChange, ex.Kind);
        Assert.Contains("helm", ex.Message);
        Assert.Contains("-Force", ex.Message);
        Assert.Equal("ghcr.io/kubereboot/kured:1.22.1", (string?)LiveDaemonSet()!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);

        await RunAsync(target, Install(new KuredRequest()), force: true);
        var live = LiveDaemonSet()!;
        Assert.Equal("ghcr.io/kubereboot/kured:1.23.0", (string?)live["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.True(KuredManifest.IsOurs(live));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("NodeImage")]
    [InlineData("SecurityPatch")]
    public async Task The_node_os_channel_guard_refuses_before_anything_is_sent(string? channel)
    {
        var target = await ArmTarget(channel);
        Kube.ClearRequests();

        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => RunAsync(target, Install(new KuredRequest())));

        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Contains(channel ?? "NodeImage", ex.Message);
        Assert.Empty(Writes);
        Assert.Null(LiveDaemonSet());
    }

    [Fact]
    public async Task Force_installs_under_node_image_with_a_warning_and_unmanaged_needs_nothing()
    {
        var sink = new RecordingSink();
        await RunAsync(await ArmTarget("NodeImage"), Install(new KuredRequest(), force: true), force: true, sink: sink);
        Assert.Contains(sink.Of("warning"), w => w.Contains("redundant"));
        Assert.NotNull(LiveDaemonSet());

        _fake.Reset();
        var quiet = new RecordingSink();
        var (_, changes) = await RunAsync(await ArmTarget("Unmanaged"), Install(new KuredRequest()), sink: quiet);
        Assert.Equal(6, changes.Count(c => c.Action == "Created"));
        Assert.Empty(quiet.Of("warning"));
    }

    [Fact]
    public async Task A_kubeconfig_target_gets_a_verbose_note_instead_of_the_guard()
    {
        var sink = new RecordingSink();
        await PlanAsync(KubeConfigTarget(), Install(new KuredRequest()), sink);
        Assert.Contains(sink.Of("verbose"), v => v.Contains("node OS upgrade channel is unknown"));
    }

    [Fact]
    public async Task Uninstall_removes_our_objects_and_nothing_else()
    {
        var target = KubeConfigTarget();
        await RunAsync(target, Install(new KuredRequest { NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl) }));
        // Look-alikes: a kured of someone else in another namespace, a ClusterRole labelled for kured by another tool, and a
        // Secret with our managed-by label for another component.
        Kube.PutObject(JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"kured","namespace":"default","labels":{"app":"kured"}},
             "spec":{"selector":{"matchLabels":{"name":"kured"}},"template":{"metadata":{"labels":{"name":"kured"}},"spec":{"containers":[{"name":"kured","image":"ghcr.io/kubereboot/kured:1.23.0"}]}}}}
            """)!.AsObject());
        Kube.PutObject(JsonNode.Parse("""
            {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"kured-helm","labels":{"aks-security.io/component":"kured","app.kubernetes.io/managed-by":"Helm"}},"rules":[]}
            """)!.AsObject());
        Kube.PutObject(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"falco-config","namespace":"kube-system","labels":{"aks-security.io/component":"falco","app.kubernetes.io/managed-by":"AksSecurity"}},"data":{"k":"dg=="}}
            """)!.AsObject());

        var plan = await PlanAsync(target, new KuredRemoval());
        Assert.Equal(7, plan.Changes.Count);
        Assert.All(plan.Changes, c => Assert.Equal("Delete", c.Action));

        var (_, changes) = await RunAsync(target, new KuredRemoval());

        Assert.Equal(7, changes.Count(c => c.Action == "Deleted"));
        Assert.Null(LiveDaemonSet());
        Assert.Null(Kube.GetObject("v1", "Secret", "kube-system", "kured-notify"));
        Assert.Null(Kube.GetObject("rbac.authorization.k8s.io/v1", "ClusterRole", null, "kured"));
        Assert.Null(Kube.GetObject("v1", "ServiceAccount", "kube-system", "kured"));
        Assert.NotNull(Kube.GetObject("apps/v1", "DaemonSet", "default", "kured"));
        Assert.NotNull(Kube.GetObject("rbac.authorization.k8s.io/v1", "ClusterRole", null, "kured-helm"));
        Assert.NotNull(Kube.GetObject("v1", "Secret", "kube-system", "falco-config"));
        Assert.NotNull(Kube.GetObject("v1", "ServiceAccount", "kube-system", "default"));

        Kube.ClearRequests();
        var empty = await PlanAsync(target, new KuredRemoval());
        Assert.True(empty.IsEmpty);
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task Status_reads_rollout_lock_and_node_annotations_from_the_cluster()
    {
        var target = KubeConfigTarget();
        var notInstalled = await KuredStatusReader.ReadAsync(target, new RecordingSink(), CancellationToken.None);
        Assert.False(notInstalled.Installed);

        await RunAsync(target, Install(new KuredRequest { Concurrency = 2 }));
        // What kured itself writes: the lock on the DaemonSet, its annotations on the node being rebooted.
        var ds = LiveDaemonSet()!;
        ds["metadata"]!["annotations"] = new JsonObject { ["weave.works/kured-node-lock"] = KuredLockTests.MultiLock };
        Kube.PutObject(ds);
        var node = Kube.GetObject("v1", "Node", null, FakeKubernetesServer.NodeNames[2])!;
        node["metadata"]!["annotations"] = new JsonObject
        {
            [KuredStatusBuilder.RebootInProgressAnnotation] = "2026-11-27T07:59:00Z",
            [KuredStatusBuilder.MostRecentRebootNeededAnnotation] = "2026-11-27T07:59:00Z",
        };
        node["spec"]!["unschedulable"] = true;
        Kube.PutObject(node);

        Kube.ClearRequests();
        var status = await KuredStatusReader.ReadAsync(target, new RecordingSink(), CancellationToken.None);

        Assert.Empty(Writes);
        Assert.True(status.Installed);
        Assert.True(status.ManagedByAksSecurity);
        Assert.True(status.Healthy);
        Assert.Equal(3, status.DesiredNumberScheduled);
        Assert.True(status.NodeAnnotationsEnabled);
        Assert.Equal(2, status.MaxLockOwners);
        Assert.Equal(new[] { FakeKubernetesServer.NodeNames[0], FakeKubernetesServer.NodeNames[2] }, status.LockHolders.Select(h => h.NodeName));
        Assert.Equal(new[] { FakeKubernetesServer.NodeNames[2] }, status.NodesWaitingForReboot);
        Assert.All(status.Nodes, n => Assert.True(n.KuredPodReady, n.NodeName));
        Assert.True(status.Nodes[2].Cordoned);
    }
}
