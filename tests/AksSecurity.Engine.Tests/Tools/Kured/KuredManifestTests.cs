using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Tests.Kubernetes.Schema;
using AksSecurity.Engine.Tools.Kured;

namespace AksSecurity.Engine.Tests.Tools.Kured;

public class KuredManifestTests
{
    private static IReadOnlyList<JsonObject> Build(KuredRequest request) => KuredManifest.Build(new KuredSettings(request));

    private static JsonObject DaemonSet(IReadOnlyList<JsonObject> objects) => objects.Single(o => (string?)o["kind"] == "DaemonSet");

    private static JsonObject Container(IReadOnlyList<JsonObject> objects) => DaemonSet(objects)["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    private static Dictionary<string, JsonObject> Env(IReadOnlyList<JsonObject> objects) =>
        Container(objects)["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => (string)e["name"]!);

    private static KuredRequest Everything() => new()
    {
        RebootDays = new[] { "mo", "tu" },
        StartTime = "22:00",
        EndTime = "04:00",
        TimeZone = "Europe/Berlin",
        Period = "30m",
        DrainTimeout = "15m",
        LockTtl = "2h",
        BlockingPodSelectors = new[] { "app=batch", "runtime=long,cost=expensive" },
        LockAnnotation = "example.com/reboot-lock",
        Concurrency = 2,
        PrometheusUrl = "http://prometheus.monitoring.svc:9090",
        AlertFilterRegexp = "^RebootRequired$",
        AlertFiringOnly = true,
        NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl),
        NodeSelector = new Dictionary<string, string> { ["agentpool"] = "nodepool1" },
        Tolerations = new[] { KuredSettingsTests.Toleration(("key", "sku"), ("value", "gpu"), ("effect", "NoSchedule")) },
        ImageRegistry = "myacr.azurecr.io",
    };

    [Fact]
    public void Defaults_are_the_release_manifest_with_our_labels_node_annotations_and_linux_nodes()
    {
        var objects = Build(new KuredRequest());

        Assert.Equal(new[] { "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount", "DaemonSet" }, objects.Select(o => (string?)o["kind"]));
        Assert.All(objects, o => Assert.True(KuredManifest.IsOurs(o), $"{o["kind"]} lacks the ownership labels"));
        Assert.All(objects, o => Assert.Equal("kured", (string?)o["metadata"]!["name"]));

        var container = Container(objects);
        Assert.Equal("ghcr.io/kubereboot/kured:1.23.0", (string?)container["image"]);
        Assert.Equal(new[] { "/usr/bin/kured", "--reboot-sentinel=/sentinel/reboot-required" }, container["command"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(new[] { "KURED_NODE_ID", "KURED_ANNOTATE_NODES" }, Env(objects).Keys);
        var podSpec = DaemonSet(objects)["spec"]!["template"]!["spec"]!;
        Assert.Equal("{\"kubernetes.io/os\":\"linux\"}", podSpec["nodeSelector"]!.ToJsonString());
        Assert.Equal(2, podSpec["tolerations"]!.AsArray().Count);
        // The pod template's labels are the DaemonSet selector's: never changed.
        Assert.Equal("{\"name\":\"kured\"}", DaemonSet(objects)["spec"]!["template"]!["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void Every_option_lands_in_its_own_field_and_the_notify_url_only_in_the_secret()
    {
        var objects = Build(Everything());

        var env = Env(objects);
        Assert.Equal("mo,tu", (string?)env["KURED_REBOOT_DAYS"]["value"]);
        Assert.Equal("30m", (string?)env["KURED_PERIOD"]["value"]);
        Assert.Equal("2", (string?)env["KURED_CONCURRENCY"]["value"]);
        Assert.Equal("{\"secretKeyRef\":{\"name\":\"kured-notify\",\"key\":\"notify-url\"}}", env["KURED_NOTIFY_URL"]["valueFrom"]!.ToJsonString());
        Assert.Null(env["KURED_NOTIFY_URL"]["value"]);

        var container = Container(objects);
        Assert.Equal("myacr.azurecr.io/kubereboot/kured:1.23.0", (string?)container["image"]);
        Assert.Equal(new[] { "--blocking-pod-selector=app=batch", "--blocking-pod-selector=runtime=long,cost=expensive" },
            container["command"]!.AsArray().Skip(2).Select(a => (string?)a));

        var podSpec = DaemonSet(objects)["spec"]!["template"]!["spec"]!;
        Assert.Equal("nodepool1", (string?)podSpec["nodeSelector"]!["agentpool"]);
        Assert.Equal("{\"key\":\"sku\",\"operator\":\"Equal\",\"value\":\"gpu\",\"effect\":\"NoSchedule\"}", podSpec["tolerations"]![2]!.ToJsonString());

        var secret = objects.Single(o => (string?)o["kind"] == "Secret");
        Assert.True(KuredManifest.IsOurs(secret));
        Assert.Equal("kube-system", (string?)secret["metadata"]!["namespace"]);
        Assert.Equal(KuredSettingsTests.NotifyUrl, Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["notify-url"]!)));
        Assert.Null(secret["stringData"]);
        Assert.True(objects.ToList().IndexOf(secret) < objects.ToList().IndexOf(DaemonSet(objects)));

        // The URL, in clear or base64, is in no object but the Secret.
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(KuredSettingsTests.NotifyUrl));
        foreach (var other in objects.Where(o => o != secret))
        {
            var json = other.ToJsonString();
            Assert.DoesNotContain("hook-token", json);
            Assert.DoesNotContain(base64, json);
        }

        Assert.Matches("^[0-9a-f]{16}$", (string?)DaemonSet(objects)["spec"]!["template"]!["metadata"]!["annotations"]![KuredManifest.NotifyFingerprintAnnotation]);
    }

    [Fact]
    public void Changing_one_parameter_changes_only_its_env_entry()
    {
        var before = DaemonSet(Build(new KuredRequest { Period = "1h", RebootDays = new[] { "sa" } }));
        var after = DaemonSet(Build(new KuredRequest { Period = "30m", RebootDays = new[] { "sa" } }));

        Assert.False(JsonNode.DeepEquals(before, after));
        foreach (var ds in new[] { before, after })
        {
            var env = ds["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
            env.Remove(env.Single(e => (string?)e!["name"] == "KURED_PERIOD"));
        }

        Assert.True(JsonNode.DeepEquals(before, after));
    }

    [Fact]
    public void Each_build_starts_from_a_fresh_copy_of_the_manifest()
    {
        Build(Everything());
        Assert.Equal(new[] { "KURED_NODE_ID", "KURED_ANNOTATE_NODES" }, Env(Build(new KuredRequest())).Keys);
    }

    public static TheoryData<string, KuredRequest> Shapes => new()
    {
        { "defaults", new KuredRequest() },
        { "everything", Everything() },
        { "notify url only", new KuredRequest { NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl) } },
        { "blocking selectors only", new KuredRequest { BlockingPodSelectors = new[] { "app in (a,b)", "!canary" } } },
        { "tolerations", new KuredRequest { Tolerations = new[]
            {
                KuredSettingsTests.Toleration(("operator", "Exists")),
                KuredSettingsTests.Toleration(("key", "node.kubernetes.io/unreachable"), ("operator", "Exists"), ("effect", "NoExecute"), ("tolerationSeconds", "300")),
            } } },
        { "node selector", new KuredRequest { NodeSelector = new Dictionary<string, string> { ["agentpool"] = "nodepool1", ["kubernetes.azure.com/mode"] = "user" } } },
        { "image", new KuredRequest { Image = "myacr.azurecr.io/kubereboot/kured@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" } },
        { "schedule", new KuredRequest { RebootDays = new[] { "sat", "sunday" }, StartTime = "1am", EndTime = "5am", TimeZone = "UTC" } },
        { "prometheus", new KuredRequest { PrometheusUrl = "https://prometheus.example.com", AlertFiringOnly = true } },
        { "lock", new KuredRequest { LockAnnotation = "example.com/lock", LockTtl = "0", Concurrency = 3, DrainTimeout = "0" } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_is_valid_against_the_kubernetes_schema(string shape, KuredRequest request)
    {
        foreach (var manifest in Build(request))
        {
            var errors = KubernetesSchemaValidator.Validate(manifest);
            Assert.True(errors.Count == 0, $"{shape}: {manifest["kind"]} {manifest["metadata"]!["name"]}: {string.Join("; ", errors)}");
        }
    }
}
