using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tests.TestServers;
using AksSecurity.Engine.Tools.Falco;
using AksSecurity.Engine.Tools.SecretStore;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Tools;

/// <summary>Falco and the secret store tools against the fake Kubernetes API server, through a kubeconfig.</summary>
public sealed class FalcoAndSecretStoreIntegrationTests : IClassFixture<FakeKubernetesFixture>
{
    private static readonly string AlertLine = File.ReadAllText(ToolTestData.PathOf("falco", "alerts", "terminal-shell-in-container.falco-website.json")).Trim();
    private readonly FakeKubernetesFixture _fixture;
    private readonly FakeKubernetesServer _server;

    public FalcoAndSecretStoreIntegrationTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Kubernetes;
        fixture.Reset();
    }

    private KubernetesTarget Target() => KubernetesTarget.FromKubeConfig(_fixture.WriteKubeConfig(), null);

    private async Task<KubernetesSession> OpenAsync() => await KubernetesSession.OpenAsync(Target(), NullOperationSink.Instance, CancellationToken.None);

    private static async Task<(KubernetesApplyPlan Plan, IReadOnlyList<KubernetesObjectChange> Changes)> RunAsync(KubernetesSession session, IKubernetesInstallation installation)
    {
        var plan = await KubernetesInstaller.PlanInstallationAsync(session, installation, NullOperationSink.Instance, CancellationToken.None);
        var changes = plan.IsEmpty ? plan.Changes : await KubernetesInstaller.ApplyAsync(session, plan, force: false, NullOperationSink.Instance, CancellationToken.None);
        return (plan, changes);
    }

    private IReadOnlyList<JsonObject> FalcoPods(string ns = "falco") =>
        _server.ListObjects("v1", "Pod", ns).Where(p => p["metadata"]!["labels"]?["app.kubernetes.io/name"]?.GetValue<string>() == "falco").ToList();

    [Fact]
    public async Task Falco_installs_re_runs_without_change_and_uninstalls_only_its_objects()
    {
        _server.PutObject(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = "falco", ["namespace"] = "kube-system" },
            ["data"] = new JsonObject { ["keep"] = "me" },
        });
        await using var session = await OpenAsync();

        var (plan, created) = await RunAsync(session, new FalcoInstallation(null, null, null, null));
        Assert.Equal(9, created.Count);
        Assert.All(created, c => Assert.Equal("Created", c.Action));
        var daemonSet = _server.GetObject("apps/v1", "DaemonSet", "falco", "falco")!;
        Assert.Equal(FalcoManifests.FalcoImage, daemonSet["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal(FakeKubernetesServer.NodeNames.Count, FalcoPods().Count);

        var (again, _) = await RunAsync(session, new FalcoInstallation(null, null, null, null));
        Assert.True(again.IsEmpty, again.Describe());

        var removal = await KubernetesInstaller.PlanInstallationAsync(session, new FalcoRemoval(), NullOperationSink.Instance, CancellationToken.None);
        Assert.Equal(9, removal.Changes.Count);
        Assert.All(removal.Changes, c => Assert.Equal("Delete", c.Action));
        await KubernetesInstaller.ApplyAsync(session, removal, false, NullOperationSink.Instance, CancellationToken.None);
        Assert.Null(_server.GetObject("apps/v1", "DaemonSet", "falco", "falco"));
        Assert.Null(_server.GetObject("rbac.authorization.k8s.io/v1", "ClusterRole", null, "falco"));
        Assert.Null(_server.GetObject("v1", "Namespace", null, "falco"));
        Assert.Equal("me", _server.GetObject("v1", "ConfigMap", "kube-system", "falco")!["data"]!["keep"]!.GetValue<string>());
    }

    [Fact]
    public async Task Changed_rules_update_only_the_rules_configmap_and_the_pod_checksum_and_a_foreign_namespace_survives_uninstall()
    {
        _server.PutObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "security" } });
        var rules = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(rules, "- list: shell_binaries\n  items: [fish]\n  append: true\n");
        try
        {
            await using var session = await OpenAsync();
            var sink = new RecordingSink();
            var installation = new FalcoInstallation("security", null, null, null);
            var first = await KubernetesInstaller.PlanInstallationAsync(session, installation, sink, CancellationToken.None);
            Assert.DoesNotContain(first.Changes, c => c.Kind == "Namespace");
            Assert.Contains("Namespace 'security' exists and was not created by Install-AksFalco", sink.AllText);
            await KubernetesInstaller.ApplyAsync(session, first, false, NullOperationSink.Instance, CancellationToken.None);

            var (plan, changes) = await RunAsync(session, new FalcoInstallation("security", null, null, rules));
            Assert.Equal(new[] { ("ConfigMap", "Created"), ("DaemonSet", "Updated") }, changes.Where(c => c.Action != "Unchanged").Select(c => (c.Kind, c.Action)));
            Assert.Contains(plan.Changes.Single(c => c.Kind == "DaemonSet").Fields, f => f.Contains("checksum/rules"));

            // Without -RulesPath again: the rules ConfigMap goes, and so do its volume and mount.
            var (_, withoutRules) = await RunAsync(session, new FalcoInstallation("security", null, null, null));
            Assert.Equal(new[] { ("DaemonSet", "Updated"), ("ConfigMap", "Deleted") }, withoutRules.Where(c => c.Action != "Unchanged").Select(c => (c.Kind, c.Action)));
            var pod = _server.GetObject("apps/v1", "DaemonSet", "security", "falco")!["spec"]!["template"]!["spec"]!;
            Assert.DoesNotContain(pod["volumes"]!.AsArray(), v => v!["name"]!.GetValue<string>() == "custom-rules");
            await RunAsync(session, new FalcoInstallation("security", null, null, rules));

            var removal = await RunAsync(session, new FalcoRemoval());
            Assert.DoesNotContain(removal.Changes, c => c.Kind == "Namespace");
            Assert.NotNull(_server.GetObject("v1", "Namespace", null, "security"));
            Assert.Null(_server.GetObject("v1", "ConfigMap", "security", FalcoManifests.CustomRulesConfigMap));
        }
        finally
        {
            File.Delete(rules);
        }
    }

    private async Task<IReadOnlyList<JsonObject>> InstalledAsync(KubernetesSession session)
    {
        await RunAsync(session, new FalcoInstallation(null, null, null, null));
        return FalcoPods();
    }

    [Fact]
    public async Task Alerts_are_read_from_every_falco_pod_with_its_node_and_lines_that_are_not_alerts_skipped()
    {
        await using var session = await OpenAsync();
        var pods = await InstalledAsync(session);
        var first = pods[0]["metadata"]!["name"]!.GetValue<string>();
        var second = pods[1]["metadata"]!["name"]!.GetValue<string>();
        _server.AppendPodLog("falco", first, "falco", "Fri Nov 27 07:00:00 2026: Falco version: 0.44.1 (x86_64)\n" + AlertLine + "\n");
        _server.AppendPodLog("falco", second, "falco",
            """{"hostname":"n2","output":"Warning x","output_fields":{"k8s.ns.name":"payments","k8s.pod.name":"api-1"},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":[],"time":"2026-11-27T07:00:00.000000001Z"}""" + "\nnot json\n");
        var sink = new RecordingSink();

        var alerts = await FalcoAlertReader.ReadAsync(session, new FalcoAlertQuery(), follow: false, sink, CancellationToken.None).ToListAsync();

        Assert.Equal(new[] { "Terminal shell in container", "Read sensitive file untrusted" }, alerts.Select(a => a.Rule));
        Assert.Equal(pods[0]["spec"]!["nodeName"]!.GetValue<string>(), alerts[0].Node);
        Assert.Equal(first, alerts[0].FalcoPod);
        Assert.Equal(("payments", "api-1"), (alerts[1].Namespace, alerts[1].Pod));
        Assert.Contains(sink.Of("verbose"), m => m.StartsWith($"{first} on ") && m.Contains("1 line(s) skipped"));

        var filtered = await FalcoAlertReader.ReadAsync(session, new FalcoAlertQuery { MinimumPriority = FalcoPriority.Critical, Rules = new[] { "terminal*" } }, false, sink, CancellationToken.None).ToListAsync();
        Assert.Equal("Terminal shell in container", Assert.Single(filtered).Rule);
    }

    [Fact]
    public async Task Without_falco_pods_the_reader_says_how_to_install_it()
    {
        await using var session = await OpenAsync();
        var error = await Assert.ThrowsAsync<AksSecurityException>(() => FalcoAlertReader.ReadAsync(session, new FalcoAlertQuery(), false, NullOperationSink.Instance, CancellationToken.None).ToListAsync().AsTask());
        Assert.Equal(AksErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("Install-AksFalco", error.Message);
    }

    [Fact]
    public async Task Pending_falco_pods_are_named_in_a_warning_and_never_read()
    {
        _server.Options.DaemonSetsBecomeReady = false;
        await using var session = await OpenAsync();
        await InstalledAsync(session);
        var sink = new RecordingSink();

        var error = await Assert.ThrowsAsync<AksSecurityException>(() => FalcoAlertReader.ReadAsync(session, new FalcoAlertQuery(), false, sink, CancellationToken.None).ToListAsync().AsTask());

        Assert.Equal(AksErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("is Pending", error.Message);
        Assert.Equal(FakeKubernetesServer.NodeNames.Count, sink.Of("warning").Count(w => w.Contains("is Pending")));
        Assert.DoesNotContain(_server.Requests, r => r.Path.EndsWith("/log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Follow_receives_a_line_appended_later_from_any_pod_until_cancelled()
    {
        await using var session = await OpenAsync();
        var pods = await InstalledAsync(session);
        var last = pods[^1]["metadata"]!["name"]!.GetValue<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        await using var alerts = FalcoAlertReader.ReadAsync(session, new FalcoAlertQuery(), follow: true, NullOperationSink.Instance, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = alerts.MoveNextAsync().AsTask();
        await Task.Delay(300);
        Assert.False(next.IsCompleted);
        _server.AppendPodLog("falco", last, "falco", "startup noise\n" + AlertLine + "\n");

        Assert.True(await next);
        Assert.Equal("Terminal shell in container", alerts.Current.Rule);
        Assert.Equal(last, alerts.Current.FalcoPod);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await alerts.MoveNextAsync());
    }

    private void SeedSecretProviderClassCrd()
    {
        var crd = ManifestYaml.Parse(File.ReadAllText(ToolTestData.PathOf("secrets-store-csi", "crd", "secrets-store.csi.x-k8s.io_secretproviderclasses.yaml")), "crd").Single();
        _server.PutObject(crd);
    }

    [Fact]
    public async Task A_secret_provider_class_is_applied_once_and_another_leaves_it_alone()
    {
        SeedSecretProviderClassCrd();
        await using var session = await OpenAsync();
        var request = SecretStore.SecretProviderClassBuilderTests.Azure(name: "payments-kv");

        var (_, created) = await RunAsync(session, new SecretProviderClassInstallation(request, "default"));
        Assert.Equal(("SecretProviderClass", "default", "payments-kv", "Created"), (created[0].Kind, created[0].Namespace, created[0].Name, created[0].Action));
        var live = _server.GetObject(SecretProviderClassBuilder.ApiVersion, SecretProviderClassBuilder.Kind, "default", "payments-kv")!;
        Assert.Equal(SecretStoreScenarios.Client, live["spec"]!["parameters"]!["clientID"]!.GetValue<string>());
        Assert.Equal("spc.default.payments-kv", live["metadata"]!["labels"]![KubernetesOwnership.ComponentLabel]!.GetValue<string>());

        var (again, _) = await RunAsync(session, new SecretProviderClassInstallation(request, "default"));
        Assert.True(again.IsEmpty, again.Describe());

        var (_, other) = await RunAsync(session, new SecretProviderClassInstallation(SecretStore.SecretProviderClassBuilderTests.Vault(), "default"));
        Assert.Equal("Created", Assert.Single(other).Action);
        Assert.NotNull(_server.GetObject(SecretProviderClassBuilder.ApiVersion, SecretProviderClassBuilder.Kind, "default", "payments-kv"));

        var result = await SecretStoreInspector.TestAsync(session, "kubeconfig", NullOperationSink.Instance, CancellationToken.None);
        // The fake has no add-on DaemonSets; both classes are well formed.
        Assert.Equal(new[] { "AKS-SSC-001", "AKS-SSC-002" }, result.Findings.Select(f => f.CheckId));
    }

    private void SeedAddon(string name, bool ready)
    {
        _server.PutObject(new JsonObject
        {
            ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "kube-system" },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } } },
            },
            ["status"] = new JsonObject { ["desiredNumberScheduled"] = 3, ["numberReady"] = ready ? 3 : 2 },
        });
    }

    [Fact]
    public async Task The_secret_store_test_reads_the_seeded_daemonsets_and_classes_of_every_namespace()
    {
        SeedSecretProviderClassCrd();
        SeedAddon(SecretStoreChecks.DriverDaemonSet, ready: true);
        SeedAddon(SecretStoreChecks.AzureProviderDaemonSet, ready: false);
        _server.PutObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "payments" } });
        foreach (var file in new[] { "azure/secretproviderclass_user_assigned_identity.yaml", "vault/vault-kv-secretproviderclass.yaml" })
        {
            var spc = ManifestYaml.Parse(File.ReadAllText(ToolTestData.PathOf("secrets-store-csi", file)), file).Single();
            spc["metadata"]!["namespace"] = "payments";
            _server.PutObject(spc);
        }

        await using var session = await OpenAsync();
        var result = await SecretStoreInspector.TestAsync(session, "kubeconfig (context fake-aks)", NullOperationSink.Instance, CancellationToken.None);

        Assert.Equal(new[] { "AKS-SSC-002", "AKS-SSC-005", "AKS-SSC-007" }, result.Findings.Select(f => f.CheckId));
        Assert.Contains("payments/azure-kvname-user-msi", result.Findings[1].Evidence);
        Assert.Contains("payments/vault-kv (vault) has no spec.parameters.vaultAddress", result.Findings[2].Evidence);
        Assert.Equal("kubeconfig (context fake-aks)", result.Source);
        Assert.Equal(8, result.ChecksRun.Count);
    }
}
