using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tests.Kubernetes.Schema;

public sealed class KubernetesSchemaValidatorTests
{
    [Theory]
    [InlineData("kube-bench-job-aks.yaml")]
    [InlineData("kured-1.23.0-combined.yaml")]
    [InlineData("falco-daemonset.yaml")]
    [InlineData("secretproviderclass_workload_identity.yaml")]
    [InlineData("secretproviderclass_user_assigned_identity.yaml")]
    [InlineData("secretproviderclass_sync_k8s_secret.yaml")]
    [InlineData("vault-kv-secretproviderclass.yaml")]
    [InlineData("vault-kv-sync-secretproviderclass.yaml")]
    public void Upstream_manifests_are_valid(string file)
    {
        var manifests = ManifestYaml.Parse(KubernetesTestData.Manifest(file), file);
        Assert.NotEmpty(manifests);
        Assert.Empty(KubernetesSchemaValidator.ValidateYaml(KubernetesTestData.Manifest(file), file));
    }

    [Fact]
    public void Unknown_fields_are_named_with_their_path()
    {
        var ds = DaemonSet();
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePolicy"] = "Always";
        ds["spec"]!["bogus"] = 1;
        var errors = KubernetesSchemaValidator.Validate(ds);
        Assert.Contains("spec.template.spec.containers[0].imagePolicy: unknown field \"imagePolicy\"", errors);
        Assert.Contains("spec.bogus: unknown field \"bogus\"", errors);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public void Wrong_types_are_named_with_their_path()
    {
        var ds = DaemonSet();
        ds["spec"]!["minReadySeconds"] = "5";
        ds["spec"]!["template"]!["spec"]!["hostPID"] = "true";
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["args"] = "--period=1h";
        ds["metadata"]!["labels"] = new JsonObject { ["a"] = 1 };
        var errors = KubernetesSchemaValidator.Validate(ds);
        Assert.Contains(errors, e => e.StartsWith("spec.minReadySeconds: expected an integer", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.template.spec.hostPID: expected a boolean", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.template.spec.containers[0].args: expected an array", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("metadata.labels.a: expected a string", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_required_fields_are_named()
    {
        var ds = DaemonSet();
        ds["spec"]!.AsObject().Remove("selector");
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("name");
        var errors = KubernetesSchemaValidator.Validate(ds);
        Assert.Contains("spec.selector: required field is missing", errors);
        Assert.Contains("spec.template.spec.containers[0].name: required field is missing", errors);
    }

    [Fact]
    public void Null_is_absent_but_not_for_required_fields()
    {
        var ds = DaemonSet();
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["securityContext"] = null;
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["env"] = null;
        Assert.Empty(KubernetesSchemaValidator.Validate(ds));
        ds["spec"]!["selector"] = null;
        Assert.Contains("spec.selector: required field is missing", KubernetesSchemaValidator.Validate(ds));
    }

    [Theory]
    [InlineData("100m", true)]
    [InlineData("128Mi", true)]
    [InlineData("1.5", true)]
    [InlineData("1e3", true)]
    [InlineData("2Gb", false)]
    [InlineData("lots", false)]
    public void Quantities_follow_kubernetes_grammar(string quantity, bool valid)
    {
        var ds = DaemonSet();
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"] = new JsonObject { ["limits"] = new JsonObject { ["memory"] = quantity } };
        Assert.Equal(valid, KubernetesSchemaValidator.Validate(ds).Count == 0);
    }

    [Fact]
    public void Int_or_string_takes_both_but_nothing_else()
    {
        var ds = DaemonSet();
        ds["spec"]!["updateStrategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1 } };
        Assert.Empty(KubernetesSchemaValidator.Validate(ds));
        ds["spec"]!["updateStrategy"]!["rollingUpdate"]!["maxUnavailable"] = "10%";
        Assert.Empty(KubernetesSchemaValidator.Validate(ds));
        ds["spec"]!["updateStrategy"]!["rollingUpdate"]!["maxUnavailable"] = true;
        Assert.Contains(KubernetesSchemaValidator.Validate(ds), e => e.StartsWith("spec.updateStrategy.rollingUpdate.maxUnavailable: expected an integer or a string", StringComparison.Ordinal));
    }

    [Fact]
    public void Secret_provider_class_is_checked_against_its_crd()
    {
        var spc = ManifestYaml.Parse(KubernetesTestData.Manifest("secretproviderclass_workload_identity.yaml"), "spc")[0];
        spc["spec"]!["providr"] = "azure";
        spc["spec"]!["parameters"]!["usePodIdentity"] = false;
        var errors = KubernetesSchemaValidator.Validate(spc);
        Assert.Contains("spec.providr: unknown field \"providr\"", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.parameters.usePodIdentity: expected a string", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_kinds_and_top_level_fields_are_errors()
    {
        Assert.Contains("no schema", KubernetesSchemaValidator.Validate(new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget" })[0]);
        var ns = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "x" }, ["data"] = new JsonObject() };
        Assert.Equal(new[] { "data: unknown field \"data\"" }, KubernetesSchemaValidator.Validate(ns));
    }

    private static JsonObject DaemonSet() => ManifestYaml.Parse("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: kured, namespace: kube-system}
        spec:
          selector: {matchLabels: {name: kured}}
          template:
            metadata: {labels: {name: kured}}
            spec:
              hostPID: true
              containers:
              - name: kured
                image: ghcr.io/kubereboot/kured:1.23.0
                args: ["--period=1h"]
        """, "ds")[0];
}
