using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.Kubernetes.Schema;
using AksSecurity.Engine.Tools.Falco;

namespace AksSecurity.Engine.Tests.Tools.Falco;

public class FalcoManifestsTests
{
    private const string Rules = "- rule: Shell in payments\n  desc: d\n  condition: proc.name = bash\n  output: shell (%proc.cmdline)\n  priority: WARNING\n";

    private static readonly FalcoRulesFile RulesFile = FalcoRulesFile.Parse(Rules, "payments.yaml", "payments.yaml");

    public static TheoryData<string> Shapes() => new(ShapeOptions.Keys);

    private static readonly IReadOnlyDictionary<string, FalcoInstallOptions> ShapeOptions = new Dictionary<string, FalcoInstallOptions>
    {
        ["defaults"] = new(),
        ["custom rules"] = new() { Rules = RulesFile },
        ["namespace not ours"] = new() { ManageNamespace = false, Namespace = "security" },
        ["registry and image"] = new() { ImageRegistry = "myacr.azurecr.io/mirror", Image = "myacr.azurecr.io/falco@sha256:" + new string('a', 64) },
    };

    private static JsonObject Single(IReadOnlyList<JsonObject> objects, string kind, string? name = null) =>
        objects.Single(o => o["kind"]!.GetValue<string>() == kind && (name is null || o["metadata"]!["name"]!.GetValue<string>() == name));

    private static JsonObject PodSpec(IReadOnlyList<JsonObject> objects) => Single(objects, "DaemonSet")["spec"]!["template"]!["spec"]!.AsObject();

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_is_valid_against_the_kubernetes_schema(string shape)
    {
        foreach (var manifest in FalcoManifests.Build(ShapeOptions[shape]))
        {
            Assert.Equal(Array.Empty<string>(), KubernetesSchemaValidator.Validate(manifest));
        }
    }

    [Fact]
    public void The_defaults_install_falco_0_44_1_in_its_own_labelled_namespace()
    {
        var objects = FalcoManifests.Build(new FalcoInstallOptions());

        Assert.Equal(new[] { "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "ConfigMap", "DaemonSet" },
            objects.Select(o => o["kind"]!.GetValue<string>()));
        Assert.Equal("privileged", Single(objects, "Namespace")["metadata"]!["labels"]!["pod-security.kubernetes.io/enforce"]!.GetValue<string>());
        Assert.All(objects, o =>
        {
            Assert.True(KubernetesOwnership.IsOwnedBy(o, "falco"), o.ToJsonString());
            Assert.Null(o["metadata"]!["labels"]!["helm.sh/chart"]);
            if (o["kind"]!.GetValue<string>() is not ("Namespace" or "ClusterRole" or "ClusterRoleBinding"))
            {
                Assert.Equal("falco", o["metadata"]!["namespace"]!.GetValue<string>());
            }
        });
        Assert.Equal("0.44.1", Single(objects, "ClusterRole")["metadata"]!["labels"]!["app.kubernetes.io/version"]!.GetValue<string>());
        Assert.Equal("falco", Single(objects, "ClusterRoleBinding")["subjects"]![0]!["namespace"]!.GetValue<string>());
        Assert.Equal("falco", Single(objects, "RoleBinding")["subjects"]![0]!["namespace"]!.GetValue<string>());

        var pod = PodSpec(objects);
        var images = pod["containers"]!.AsArray().Concat(pod["initContainers"]!.AsArray()).Select(c => c!["image"]!.GetValue<string>()).ToList();
        Assert.Equal(new[] { FalcoManifests.FalcoImage, FalcoManifests.FalcoctlImage, FalcoManifests.FalcoctlImage }, images);
        // The selector and pod labels stay the upstream ones; Get-AksFalcoAlert finds the pods by them.
        Assert.Equal(FalcoManifests.PodSelector, string.Join(",", Single(objects, "DaemonSet")["spec"]!["selector"]!["matchLabels"]!.AsObject().Select(p => $"{p.Key}={p.Value}")));
    }

    [Fact]
    public void Modern_ebpf_only_no_driver_loader_and_no_kernel_module_host_mounts()
    {
        var pod = PodSpec(FalcoManifests.Build(new FalcoInstallOptions()));

        Assert.Equal(new[] { "falcoctl-artifact-install" }, pod["initContainers"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("linux", pod["nodeSelector"]!["kubernetes.io/os"]!.GetValue<string>());
        var volumes = pod["volumes"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("boot-fs", volumes);
        Assert.DoesNotContain("lib-modules", volumes);
        Assert.DoesNotContain("usr-fs", volumes);
        var mounted = pod["containers"]!.AsArray().Concat(pod["initContainers"]!.AsArray())
            .SelectMany(c => c!["volumeMounts"]!.AsArray()).Select(m => m!["name"]!.GetValue<string>()).ToHashSet();
        Assert.Subset(volumes.ToHashSet(), mounted);
        // The render's empty securityContext (null) is left out rather than sent.
        Assert.All(pod["containers"]!.AsArray(), c => Assert.False(c!.AsObject().ContainsKey("securityContext") && c["securityContext"] is null));
    }

    [Fact]
    public void Falco_yaml_turns_json_output_on_and_keeps_the_modern_ebpf_engine()
    {
        var objects = FalcoManifests.Build(new FalcoInstallOptions());
        var falcoYaml = Single(objects, "ConfigMap", "falco")["data"]!["falco.yaml"]!.GetValue<string>();

        Assert.Contains("\njson_output: true\n", falcoYaml);
        Assert.Contains("\njson_include_output_property: true\n", falcoYaml);
        Assert.Contains("\njson_include_output_fields_property: true\n", falcoYaml);
        Assert.Contains("\njson_include_tags_property: true\n", falcoYaml);
        Assert.Contains("engine:\n  kind: modern_ebpf\n", falcoYaml);
        Assert.Contains("- /etc/falco/rules.d\n", falcoYaml);
        Assert.DoesNotContain("json_output: false", falcoYaml);
        var config = ManifestYaml.Parse(falcoYaml, "falco.yaml").Single();
        Assert.True(config["json_output"]!.GetValue<bool>());
    }

    [Fact]
    public void Custom_rules_become_a_configmap_mounted_in_rules_d_and_change_the_pod_checksum()
    {
        var plain = FalcoManifests.Build(new FalcoInstallOptions());
        var withRules = FalcoManifests.Build(new FalcoInstallOptions { Rules = RulesFile });

        var rules = Single(withRules, "ConfigMap", FalcoManifests.CustomRulesConfigMap);
        Assert.Equal(Rules, rules["data"]!["payments.yaml"]!.GetValue<string>());
        var pod = PodSpec(withRules);
        Assert.Contains(pod["volumes"]!.AsArray(), v => v!["configMap"]?["name"]?.GetValue<string>() == FalcoManifests.CustomRulesConfigMap);
        var falco = pod["containers"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "falco")!;
        Assert.Contains(falco["volumeMounts"]!.AsArray(), m => m!["mountPath"]!.GetValue<string>() == "/etc/falco/rules.d");

        string Annotation(IReadOnlyList<JsonObject> objects, string key) => Single(objects, "DaemonSet")["spec"]!["template"]!["metadata"]!["annotations"]![key]!.GetValue<string>();
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Annotation(plain, "checksum/rules"));
        Assert.NotEqual(Annotation(plain, "checksum/rules"), Annotation(withRules, "checksum/rules"));
        Assert.Equal(Annotation(plain, "checksum/config"), Annotation(withRules, "checksum/config"));
        Assert.DoesNotContain(plain, o => o["metadata"]!["name"]!.GetValue<string>() == FalcoManifests.CustomRulesConfigMap);
    }

    [Fact]
    public void The_registry_replaces_docker_io_and_the_image_the_falco_container_only()
    {
        var pod = PodSpec(FalcoManifests.Build(new FalcoInstallOptions { ImageRegistry = "myacr.azurecr.io" }));
        Assert.All(pod["containers"]!.AsArray().Concat(pod["initContainers"]!.AsArray()), c => Assert.StartsWith("myacr.azurecr.io/falcosecurity/", c!["image"]!.GetValue<string>()));

        pod = PodSpec(FalcoManifests.Build(new FalcoInstallOptions { ImageRegistry = "myacr.azurecr.io", Image = "other.io/falco:0.44.1-debian" }));
        var images = pod["containers"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["image"]!.GetValue<string>());
        Assert.Equal("other.io/falco:0.44.1-debian", images["falco"]);
        Assert.Equal("myacr.azurecr.io/falcosecurity/falcoctl:0.13.0", images["falcoctl-artifact-follow"]);
    }

    [Fact]
    public void A_namespace_that_is_not_ours_is_used_but_not_applied()
    {
        var objects = FalcoManifests.Build(new FalcoInstallOptions { Namespace = "security", ManageNamespace = false });
        Assert.DoesNotContain(objects, o => o["kind"]!.GetValue<string>() == "Namespace");
        Assert.Equal("security", Single(objects, "DaemonSet")["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("kube-system", null, null, "Namespace", "namespace of its own")]
    [InlineData("default", null, null, "Namespace", "namespace of its own")]
    [InlineData("Falco", null, null, "Namespace", "not a valid namespace name")]
    [InlineData("falco", "https://myacr.azurecr.io", null, "ImageRegistry", "without https://")]
    [InlineData("falco", "MyAcr.azurecr.io", null, "ImageRegistry", "is not a registry")]
    [InlineData("falco", null, "myacr.azurecr.io/falco", "Image", "not a pinned image reference")]
    [InlineData("falco", null, "myacr.azurecr.io/falco:latest tag", "Image", "not a pinned image reference")]
    [InlineData("falco", null, "myacr.azurecr.io/falco@sha256:abc", "Image", "not a pinned image reference")]
    public void Bad_options_are_invalid_arguments_naming_the_parameter(string ns, string? registry, string? image, string parameter, string message)
    {
        var error = Assert.Throws<AksSecurityException>(() => FalcoManifests.Build(new FalcoInstallOptions { Namespace = ns, ImageRegistry = registry, Image = image }));
        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(parameter, error.Target);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_bad_rules_file_fails_the_installation_before_a_session_exists()
    {
        var file = Path.Combine(Path.GetTempPath(), $"rules-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "- rule: [unclosed\n");
        try
        {
            var error = Assert.Throws<AksSecurityException>(() => new FalcoInstallation(null, null, null, file));
            Assert.Equal(AksErrorKind.InvalidData, error.Kind);
            Assert.Contains("(line ", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
