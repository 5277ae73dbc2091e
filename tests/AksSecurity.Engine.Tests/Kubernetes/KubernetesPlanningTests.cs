using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tests.Kubernetes;

public sealed class KubernetesPlanningTests
{
    private static JsonObject Json(string text) => (JsonObject)JsonNode.Parse(text)!;

    [Fact]
    public void Diff_compares_only_the_leaves_we_set_so_server_defaults_are_no_change()
    {
        var desired = Json("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"kured","namespace":"kube-system"},"spec":{"template":{"spec":{"containers":[{"name":"kured","image":"ghcr.io/kubereboot/kured:1.23.0"}]}}}}""");
        var live = Json("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"kured","namespace":"kube-system","resourceVersion":"7","uid":"u"},"spec":{"revisionHistoryLimit":10,"template":{"spec":{"dnsPolicy":"ClusterFirst","containers":[{"name":"kured","image":"ghcr.io/kubereboot/kured:1.23.0","imagePullPolicy":"IfNotPresent"}]}}},"status":{"numberReady":3}}""");
        Assert.Empty(KubernetesInstaller.Diff(desired, live));
    }

    [Fact]
    public void Diff_names_each_changed_leaf_with_old_and_new_and_named_list_items_by_name()
    {
        var desired = Json("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"k","namespace":"n","labels":{"app.kubernetes.io/name":"kured"}},"spec":{"minReadySeconds":5,"template":{"spec":{"containers":[{"name":"kured","image":"b"}]}}}}""");
        var live = Json("""{"metadata":{"name":"k","namespace":"n","labels":{"app.kubernetes.io/name":"old"}},"spec":{"minReadySeconds":0,"template":{"spec":{"containers":[{"name":"kured","image":"a"}]}}}}""");
        var fields = KubernetesInstaller.Diff(desired, live);
        Assert.Contains("metadata.labels[\"app.kubernetes.io/name\"]: \"old\" → \"kured\"", fields);
        Assert.Contains("spec.minReadySeconds: 0 → 5", fields);
        Assert.Contains("spec.template.spec.containers[name=kured].image: \"a\" → \"b\"", fields);
        Assert.Equal(3, fields.Count);
    }

    [Fact]
    public void Diff_names_the_one_env_entry_that_changes_and_the_entries_added_and_removed()
    {
        var desired = Json("""{"spec":{"template":{"spec":{"containers":[{"name":"kured","env":[{"name":"KURED_PERIOD","value":"30m"},{"name":"KURED_CONCURRENCY","value":"2"},{"name":"KURED_NODE_ID","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}}]}]}}}}""");
        var live = Json("""{"spec":{"template":{"spec":{"containers":[{"name":"kured","env":[{"name":"KURED_NODE_ID","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"spec.nodeName"}}},{"name":"KURED_PERIOD","value":"1h"},{"name":"KURED_LOCK_TTL","value":"30m"}]}]}}}}""");
        var fields = KubernetesInstaller.Diff(desired, live);
        Assert.Equal(
            new[]
            {
                "spec.template.spec.containers[name=kured].env[name=KURED_PERIOD].value: \"1h\" → \"30m\"",
                "spec.template.spec.containers[name=kured].env[name=KURED_CONCURRENCY]: (none) → {\"name\":\"KURED_CONCURRENCY\",\"value\":\"2\"}",
                "spec.template.spec.containers[name=kured].env[name=KURED_LOCK_TTL]: {\"name\":\"KURED_LOCK_TTL\",\"value\":\"30m\"} → (none)",
            },
            fields);
    }

    [Fact]
    public void Diff_reports_a_reordered_named_list_and_compares_unnamed_lists_whole()
    {
        var desired = Json("""{"spec":{"volumes":[{"name":"a"},{"name":"b"}],"tolerations":[{"operator":"Exists"}]}}""");
        var live = Json("""{"spec":{"volumes":[{"name":"b"},{"name":"a"}],"tolerations":[{"key":"x","operator":"Equal"}]}}""");
        var fields = KubernetesInstaller.Diff(desired, live);
        Assert.Contains("spec.volumes: order b, a → a, b", fields);
        Assert.Contains("spec.tolerations: [{\"key\":\"x\",\"operator\":\"Equal\"}] → [{\"operator\":\"Exists\"}]", fields);
        Assert.Equal(2, fields.Count);
    }

    [Fact]
    public void Diff_sees_added_and_removed_array_elements_and_missing_fields()
    {
        var desired = Json("""{"kind":"ConfigMap","apiVersion":"v1","data":{"a":"1"},"spec":{"args":["--x","--y"]}}""");
        var live = Json("""{"spec":{"args":["--x"]}}""");
        var fields = KubernetesInstaller.Diff(desired, live);
        Assert.Contains("data: (none) → {\"a\":\"1\"}", fields);
        Assert.Contains("spec.args: [\"--x\"] → [\"--x\",\"--y\"]", fields);
    }

    [Fact]
    public void Diff_treats_null_as_absent_and_numbers_by_value()
    {
        var desired = Json("""{"spec":{"a":null,"b":1.0,"c":2}}""");
        var live = Json("""{"spec":{"b":1,"c":2}}""");
        Assert.Empty(KubernetesInstaller.Diff(desired, live));
    }

    [Fact]
    public void Secret_values_are_never_shown_and_stringData_is_compared_as_the_data_the_server_keeps()
    {
        var same = Convert.ToBase64String(Encoding.UTF8.GetBytes("https://hooks.example/abc"));
        var desired = Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n"},"stringData":{"url":"https://hooks.example/NEW"}}""");
        var live = Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n"},"data":{"url":"SAME"}}""".Replace("SAME", same, StringComparison.Ordinal));
        var fields = KubernetesInstaller.Diff(desired, live);
        Assert.Equal(new[] { "data.url: (secret)" }, fields);
        Assert.DoesNotContain(fields, f => f.Contains("hooks", StringComparison.Ordinal));

        var unchanged = Json("""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","namespace":"n"},"stringData":{"url":"https://hooks.example/abc"}}""");
        Assert.Empty(KubernetesInstaller.Diff(unchanged, live));
    }

    [Fact]
    public void Ownership_marks_metadata_labels_only_and_recognises_its_component()
    {
        var ds = Json("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"k"},"spec":{"template":{"metadata":{"labels":{"name":"kured"}}}}}""");
        KubernetesOwnership.Mark(ds, "kured");
        Assert.Equal("AksSecurity", ds["metadata"]!["labels"]![KubernetesOwnership.ManagedByLabel]!.GetValue<string>());
        Assert.Equal("kured", ds["metadata"]!["labels"]![KubernetesOwnership.ComponentLabel]!.GetValue<string>());
        Assert.Single(ds["spec"]!["template"]!["metadata"]!["labels"]!.AsObject());
        Assert.True(KubernetesOwnership.IsOwnedBy(ds, "kured"));
        Assert.False(KubernetesOwnership.IsOwnedBy(ds, "falco"));
        Assert.Equal("app.kubernetes.io/managed-by=AksSecurity,aks-security.io/component=kured", KubernetesOwnership.Selector("kured"));
    }

    [Fact]
    public void Apply_order_puts_dependencies_first()
    {
        var kinds = new[] { "DaemonSet", "ClusterRoleBinding", "Secret", "Namespace", "ServiceAccount", "ClusterRole", "CustomResourceDefinition" };
        var ordered = kinds.OrderBy(KubernetesApplyPlan.Rank).ToArray();
        Assert.Equal(new[] { "Namespace", "CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Secret", "DaemonSet" }, ordered);
    }

    [Theory]
    [InlineData("v1", "Namespace", null, "x", "/api/v1/namespaces/x")]
    [InlineData("v1", "Secret", "kured", "s", "/api/v1/namespaces/kured/secrets/s")]
    [InlineData("apps/v1", "DaemonSet", "kube-system", "kured", "/apis/apps/v1/namespaces/kube-system/daemonsets/kured")]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", null, "kured", "/apis/rbac.authorization.k8s.io/v1/clusterroles/kured")]
    [InlineData("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass", "app", "kv", "/apis/secrets-store.csi.x-k8s.io/v1/namespaces/app/secretproviderclasses/kv")]
    public void Known_kinds_map_to_rest_paths(string apiVersion, string kind, string? ns, string name, string path) =>
        Assert.Equal(path, KubernetesResourceMap.TryGetKnown(apiVersion, kind)!.ObjectPath(ns, name));

    [Fact]
    public void Namespaced_list_without_namespace_is_the_all_namespaces_collection()
    {
        Assert.Equal("/apis/batch/v1/jobs", KubernetesResourceMap.TryGetKnown("batch/v1", "Job")!.CollectionPath(null));
        Assert.Equal("/apis/batch/v1/namespaces/kb/jobs", KubernetesResourceMap.TryGetKnown("batch/v1", "Job")!.CollectionPath("kb"));
    }

    [Theory]
    [InlineData("Policy", "policies")]
    [InlineData("Gateway", "gateways")]
    [InlineData("Ingress", "ingresses")]
    [InlineData("Box", "boxes")]
    [InlineData("FalcoRule", "falcorules")]
    public void Unknown_kinds_use_kubernetes_default_plural(string kind, string plural) =>
        Assert.Equal(plural, KubernetesResourceMap.DefaultPlural(kind));

    [Fact]
    public void Discovery_documents_give_plural_and_scope_and_skip_subresources()
    {
        var list = Json("""{"kind":"APIResourceList","resources":[{"name":"widgets/status","kind":"Widget","namespaced":true},{"name":"widgetz","kind":"Widget","namespaced":false}]}""");
        var type = KubernetesResourceMap.FromDiscovery("example.com/v1", "Widget", list)!;
        Assert.Equal("widgetz", type.Plural);
        Assert.False(type.Namespaced);
        Assert.Null(KubernetesResourceMap.FromDiscovery("example.com/v1", "Gadget", list));
    }

    [Fact]
    public void Object_refs_need_apiVersion_kind_and_name()
    {
        Assert.Equal("DaemonSet kube-system/kured", KubernetesObjectRef.Of(Json("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"kured","namespace":"kube-system"}}""")).ToString());
        Assert.Equal(AksErrorKind.InvalidData, Assert.Throws<AksSecurityException>(() => KubernetesObjectRef.Of(Json("""{"kind":"DaemonSet","metadata":{"name":"x"}}"""))).Kind);
        Assert.Equal(AksErrorKind.InvalidData, Assert.Throws<AksSecurityException>(() => KubernetesObjectRef.Of(Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"""))).Kind);
    }
}
