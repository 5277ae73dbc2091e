using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tests.Kubernetes;

public sealed class KubernetesErrorsTests
{
    private static KubernetesResponse Status(int code, string json) => new(code, JsonNode.Parse(json), json);

    [Fact]
    public void Apply_conflict_names_the_other_manager_and_fields_and_says_force_overrides()
    {
        var response = Status(409, """{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.template.spec.containers[name=\"kured\"].image","reason":"Conflict","details":{"causes":[{"type":"FieldManagerConflict","message":"conflict with \"kubectl-client-side-apply\" using apps/v1","field":".spec.template.spec.containers[name=\"kured\"].image"}]},"code":409}""");
        var ex = KubernetesErrors.ToException(response, "patch", "DaemonSet kube-system/kured", "daemonsets");
        Assert.Equal(AksErrorKind.ConcurrentChange, ex.Kind);
        Assert.Contains("'kubectl-client-side-apply' owns .spec.template.spec.containers[name=\"kured\"].image", ex.Message);
        Assert.Contains("-Force", ex.Message);
    }

    [Theory]
    [InlineData(401, AksErrorKind.AuthenticationError)]
    [InlineData(403, AksErrorKind.PermissionDenied)]
    [InlineData(404, AksErrorKind.ObjectNotFound)]
    [InlineData(409, AksErrorKind.ConcurrentChange)]
    [InlineData(422, AksErrorKind.InvalidData)]
    [InlineData(429, AksErrorKind.ServiceUnavailable)]
    [InlineData(503, AksErrorKind.ServiceUnavailable)]
    public void Status_codes_map_to_error_kinds(int code, AksErrorKind kind) =>
        Assert.Equal(kind, KubernetesErrors.ToException(Status(code, """{"kind":"Status","message":"m"}"""), "get", "x", "pods").Kind);

    [Fact]
    public void Forbidden_names_verb_and_resource()
    {
        var ex = KubernetesErrors.ToException(Status(403, """{"kind":"Status","message":"daemonsets.apps is forbidden: User \"u\" cannot create resource"}"""), "patch", "DaemonSet kube-system/kured", "daemonsets");
        Assert.Contains("may not patch daemonsets", ex.Message);
    }

    [Fact]
    public void Invalid_lists_the_status_causes()
    {
        var ex = KubernetesErrors.ToException(Status(422, """{"kind":"Status","message":"DaemonSet.apps \"k\" is invalid","reason":"Invalid","details":{"causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.selector"}]},"code":422}"""), "patch", "DaemonSet n/k", "daemonsets");
        Assert.Contains("spec.selector: Required value", ex.Message);
    }

    [Fact]
    public void Debug_paths_keep_only_allow_listed_query_values()
    {
        Assert.Equal("/api/v1/namespaces/n/pods/p/log?container=falco&sinceTime=REDACTED&follow=true",
            KubernetesHttp.Redact("/api/v1/namespaces/n/pods/p/log?container=falco&sinceTime=2026-01-01T00:00:00Z&follow=true"));
        Assert.Equal("/apis/apps/v1/namespaces/n/daemonsets/k?fieldManager=aks-security&force=true",
            KubernetesHttp.Redact("/apis/apps/v1/namespaces/n/daemonsets/k?fieldManager=aks-security&force=true"));
        Assert.Equal("/api/v1/nodes?continue=REDACTED", KubernetesHttp.Redact("/api/v1/nodes?continue=abc"));
    }
}
