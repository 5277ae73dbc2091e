using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.TestServers;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Kubernetes;

/// <summary>Names for tab completion, against the fake Kubernetes API server through ARM and through kubeconfig files.</summary>
public sealed class KubernetesNamesTests : IClassFixture<FakeKubernetesFixture>
{
    private static readonly string[] SeededNamespaces = { "default", "kube-node-lease", "kube-public", "kube-system" };
    private readonly FakeKubernetesFixture _fixture;

    public KubernetesNamesTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        fixture.Reset();
    }

    private async Task<KubernetesTarget> ArmTargetAsync() =>
        KubernetesTarget.FromCluster(await ArmConnection.ConnectAsync(_fixture.AccessTokenRequest(), NullOperationSink.Instance, default),
            ClusterResourceId.Parse(FakeKubernetesFixture.ClusterId("rg1", "clustername1")), admin: false);

    [Fact]
    public async Task Namespaces_of_a_cluster_from_arm_sorted_and_for_installs_without_kubernetes_own()
    {
        _fixture.Kubernetes.PutObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "apps" } });
        var target = await ArmTargetAsync();
        Assert.Equal(new[] { "apps" }.Concat(SeededNamespaces), await KubernetesNames.NamespacesAsync(target, default));
        Assert.Equal(new[] { "apps" }, await KubernetesNames.InstallNamespacesAsync(target, default));
    }

    [Fact]
    public async Task Node_names_leave_windows_nodes_out_and_keep_nodes_without_an_os_label()
    {
        _fixture.Kubernetes.PutObject(Node("akswin000000", "windows"));
        _fixture.Kubernetes.PutObject(Node("old-node", os: null));
        var names = await KubernetesNames.LinuxNodesAsync(KubernetesTarget.FromKubeConfig(_fixture.WriteKubeConfig(), null), default);
        Assert.Equal(FakeKubernetesServer.NodeNames.Append("old-node"), names);
    }

    [Fact]
    public async Task An_exec_plugin_user_gives_no_names_and_its_command_never_runs()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"aks-names-exec-{Guid.NewGuid():N}");
        var path = _fixture.WriteKubeConfig();
        var text = File.ReadAllText(path);
        var userStart = text.IndexOf("token:", StringComparison.Ordinal);
        Assert.True(userStart > 0, "the fake's token kubeconfig has a token user");
        var indent = text[(text.LastIndexOf('\n', userStart) + 1)..userStart];
        var lineEnd = text.IndexOf('\n', userStart);
        var exec = $"exec:\n{indent}  apiVersion: client.authentication.k8s.io/v1beta1\n{indent}  command: /bin/sh\n{indent}  args: [\"-c\", \"touch '{marker}'\"]";
        File.WriteAllText(path, text[..userStart] + exec + (lineEnd < 0 ? "" : text[lineEnd..]));

        Assert.Empty(await KubernetesNames.NamespacesAsync(KubernetesTarget.FromKubeConfig(path, null), default));
        Assert.False(File.Exists(marker));
        Assert.Empty(_fixture.Kubernetes.Requests);
    }

    [Fact]
    public async Task Failures_are_errors_for_the_caller_to_swallow()
    {
        _fixture.Kubernetes.InjectFault("GET", "/api/v1/namespaces", 403, null, times: 1);
        var error = await Assert.ThrowsAsync<AksSecurityException>(async () => await KubernetesNames.NamespacesAsync(await ArmTargetAsync(), default));
        Assert.Equal(AksErrorKind.PermissionDenied, error.Kind);
    }

    private static JsonObject Node(string name, string? os)
    {
        var labels = new JsonObject();
        if (os is not null)
        {
            labels["kubernetes.io/os"] = os;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels } };
    }
}
