using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.Kubernetes.Schema;
using AksSecurity.Engine.Tools.KubeBench;

namespace AksSecurity.Engine.Tests.Tools.KubeBench;

public class KubeBenchManifestsTests
{
    private static readonly KubeBenchNode Node0 = new("aks-nodepool1-12345678-vmss000000", "aks-nodepool1-12345678-vmss000000");

    private static JsonObject Job(KubeBenchNode? node = null, string image = KubeBenchManifests.DefaultImage, string benchmark = "aks-1.8", int timeoutSeconds = 600) =>
        KubeBenchManifests.Job("aks-security-kube-bench", "abcde", node ?? Node0, image, benchmark, TimeSpan.FromSeconds(timeoutSeconds));

    private static JsonObject PodSpec(JsonObject job) => (JsonObject)job["spec"]!["template"]!["spec"]!;

    [Fact]
    public void The_job_keeps_job_aks_yaml_host_access_read_only_and_pins_the_image()
    {
        var pod = PodSpec(Job());
        var container = (JsonObject)pod["containers"]![0]!;

        Assert.True((bool)pod["hostPID"]!);
        Assert.Equal("Never", (string?)pod["restartPolicy"]);
        Assert.Equal("docker.io/aquasec/kube-bench:v0.15.6", (string?)container["image"]);
        Assert.Equal(new[] { "kube-bench", "run", "--targets", "node", "--benchmark", "aks-1.8", "--json" }, container["command"]!.AsArray().Select(a => (string)a!));
        var mounts = container["volumeMounts"]!.AsArray().Select(m => ((string)m!["mountPath"]!, (bool)m["readOnly"]!)).ToArray();
        Assert.Equal(new[] { ("/var/lib/kubelet", true), ("/etc/systemd", true), ("/etc/default", true), ("/etc/kubernetes", true) }, mounts);
        Assert.Equal(new[] { "/var/lib/kubelet", "/etc/systemd", "/etc/default", "/etc/kubernetes" }, pod["volumes"]!.AsArray().Select(v => (string)v!["hostPath"]!["path"]!));
    }

    [Fact]
    public void Each_job_is_pinned_to_its_node_by_hostname_and_tolerates_every_taint()
    {
        var nodes = new[] { Node0, new KubeBenchNode("aks-system-1-vmss000001", "custom-hostname"), new KubeBenchNode("aks-spot-vmss000002", "aks-spot-vmss000002") };

        foreach (var node in nodes)
        {
            var job = Job(node);
            var pod = PodSpec(job);
            var expression = pod["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchExpressions"]![0]!;
            Assert.Equal(("kubernetes.io/hostname", "In"), ((string)expression["key"]!, (string)expression["operator"]!));
            Assert.Equal(new[] { node.Hostname }, expression["values"]!.AsArray().Select(v => (string)v!));
            Assert.Null(pod["nodeName"]);
            Assert.Equal("""[{"operator":"Exists"}]""", pod["tolerations"]!.ToJsonString());
            Assert.Equal(node.Name, (string?)job["metadata"]!["annotations"]![KubeBenchManifests.NodeAnnotation]);
        }
    }

    [Fact]
    public void The_job_ends_on_its_own_and_is_removed_by_the_cluster_if_the_command_cannot()
    {
        var job = Job(timeoutSeconds: 90);
        var spec = job["spec"]!;

        Assert.Equal(0, (int)spec["backoffLimit"]!);
        Assert.Equal(90, (long)spec["activeDeadlineSeconds"]!);
        Assert.Equal(KubeBenchManifests.TtlSecondsAfterFinished, (int)spec["ttlSecondsAfterFinished"]!);
        Assert.True(KubernetesOwnership.IsOwnedBy(job, KubeBenchManifests.Component));
        Assert.Equal("abcde", (string?)job["metadata"]!["labels"]![KubeBenchManifests.RunLabel]);
        var podLabels = spec["template"]!["metadata"]!["labels"]!;
        Assert.Equal((string?)job["metadata"]!["name"], (string?)podLabels[KubeBenchManifests.JobLabel]);
    }

    [Fact]
    public void Least_privilege_the_pods_get_no_token_and_nothing_is_bound_to_their_account()
    {
        var account = KubeBenchManifests.ServiceAccount("aks-security-kube-bench");
        var pod = PodSpec(Job());
        var ns = KubeBenchManifests.Namespace("aks-security-kube-bench");

        Assert.False((bool)account["automountServiceAccountToken"]!);
        Assert.False((bool)pod["automountServiceAccountToken"]!);
        Assert.Equal(KubeBenchManifests.ServiceAccountName, (string?)pod["serviceAccountName"]);
        Assert.Null(pod["containers"]![0]!["securityContext"]?["privileged"]);
        Assert.Equal("privileged", (string?)ns["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]);
        Assert.True(KubernetesOwnership.IsOwnedBy(ns, KubeBenchManifests.Component));
    }

    [Fact]
    public void Every_shape_is_valid_against_the_kubernetes_schema_and_holds_no_rbac_object()
    {
        var nodes = new[] { Node0, new KubeBenchNode(new string('a', 40) + "-" + new string('b', 40), "long-host") };
        var images = new[] { KubeBenchManifests.ResolveImage(null, null), KubeBenchManifests.ResolveImage(null, "myacr.azurecr.io"), KubeBenchManifests.ResolveImage("myacr.azurecr.io/mirror/kube-bench@sha256:" + new string('0', 64), null) };
        var objects = new List<JsonObject> { KubeBenchManifests.Namespace("aks-security-kube-bench"), KubeBenchManifests.ServiceAccount("custom-ns") };
        foreach (var benchmark in KubeBenchBenchmark.All)
        {
            foreach (var image in images)
            {
                foreach (var timeout in new[] { 1, 600, 86400 })
                {
                    objects.AddRange(nodes.Select(n => KubeBenchManifests.Job("custom-ns", KubeBenchManifests.NewRunId(), n, image, benchmark, TimeSpan.FromSeconds(timeout))));
                }
            }
        }

        Assert.All(objects, o => Assert.Empty(KubernetesSchemaValidator.Validate(o)));
        Assert.Equal(new[] { "Job", "Namespace", "ServiceAccount" }, objects.Select(o => (string)o["kind"]!).Distinct().Order());
    }

    [Fact]
    public void Job_names_fit_a_label_value_and_long_node_names_stay_distinct()
    {
        var a = KubeBenchManifests.JobName("abcde", new string('x', 60) + "-vmss000001");
        var b = KubeBenchManifests.JobName("abcde", new string('x', 60) + "-vmss000002");

        Assert.Equal("kube-bench-abcde-aks-nodepool1-0", KubeBenchManifests.JobName("abcde", "aks-nodepool1-0"));
        Assert.All(new[] { a, b }, n => Assert.Matches("^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$", n));
        Assert.NotEqual(a, b);
        Assert.Matches("^[b-z2-9]{5}$", KubeBenchManifests.NewRunId());
    }

    [Theory]
    [InlineData(null, null, "docker.io/aquasec/kube-bench:v0.15.6")]
    [InlineData(null, "myacr.azurecr.io/", "myacr.azurecr.io/aquasec/kube-bench:v0.15.6")]
    [InlineData(null, "registry.local:5000/mirror", "registry.local:5000/mirror/aquasec/kube-bench:v0.15.6")]
    [InlineData("public.ecr.aws/aquasecurity/kube-bench:v0.15.6-ubi", null, "public.ecr.aws/aquasecurity/kube-bench:v0.15.6-ubi")]
    public void The_image_is_pinned_mirrored_or_given(string? image, string? registry, string expected) =>
        Assert.Equal(expected, KubeBenchManifests.ResolveImage(image, registry));

    [Theory]
    [InlineData("docker.io/aquasec/kube-bench:v0.15.6", "myacr.azurecr.io", "Image")]
    [InlineData("Docker.io/Aquasec/kube-bench", null, "Image")]
    [InlineData("kube bench", null, "Image")]
    [InlineData(null, "https://myacr.azurecr.io", "ImageRegistry")]
    [InlineData(null, "my_acr.azurecr.io", "ImageRegistry")]
    public void A_bad_image_or_registry_is_refused_before_anything_is_sent(string? image, string? registry, string parameter)
    {
        var error = Assert.Throws<AksSecurityException>(() => KubeBenchManifests.ResolveImage(image, registry));

        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(parameter, error.Target);
    }

    [Fact]
    public void Requests_are_validated_when_made()
    {
        Assert.Equal("aks-1.7", new KubeBenchRequest(benchmark: "AKS-1.7").Benchmark);
        Assert.Equal((5, TimeSpan.FromMinutes(10), "aks-security-kube-bench"), (new KubeBenchRequest().ThrottleLimit, new KubeBenchRequest().Timeout, new KubeBenchRequest().Namespace));
        Assert.Equal("Benchmark", Assert.Throws<AksSecurityException>(() => new KubeBenchRequest(benchmark: "cis-1.9")).Target);
        Assert.Equal("ThrottleLimit", Assert.Throws<AksSecurityException>(() => new KubeBenchRequest(throttleLimit: 0)).Target);
        Assert.Equal("Timeout", Assert.Throws<AksSecurityException>(() => new KubeBenchRequest(timeout: TimeSpan.Zero)).Target);
        Assert.Equal("Namespace", Assert.Throws<AksSecurityException>(() => new KubeBenchRequest(ns: "Bad_Namespace")).Target);
    }
}
