using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;
using k8s;
using k8s.KubeConfigModels;
using k8s.Models;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>Kubeconfigs for the fake Kubernetes API server, from the fake ARM's credential actions and from the server itself, used by the real KubernetesClient.</summary>
public sealed class FakeKubernetesKubeConfigTests : IClassFixture<FakeKubernetesFixture>, IDisposable
{
    private readonly FakeKubernetesFixture _fixture;
    private readonly List<string> _files = [];

    public FakeKubernetesKubeConfigTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        fixture.Reset();
    }

    public void Dispose() => _files.ForEach(File.Delete);

    private async Task<string> CredentialAsync(string clusterId, bool admin)
    {
        using var arm = new HttpClient(_fixture.Ca.CreateTrustingHandler()) { BaseAddress = _fixture.Arm.BaseUri };
        arm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        var action = admin ? "listClusterAdminCredential" : "listClusterUserCredential";
        using var response = await arm.PostAsync($"{clusterId.TrimStart('/')}/{action}?api-version=2026-08-01", null);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return Encoding.UTF8.GetString(Convert.FromBase64String((string)body["kubeconfigs"]![0]!["value"]!));
    }

    private k8s.Kubernetes Client(string kubeconfigText)
    {
        var path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, kubeconfigText);
        _files.Add(path);
        return new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
    }

    [Fact]
    public async Task The_user_credential_of_a_local_account_cluster_reaches_the_server_with_a_static_token()
    {
        var kubeconfig = await CredentialAsync(FakeKubernetesFixture.ClusterId("rg1", "clustername1"), admin: false);
        Assert.Contains($"server: {_fixture.Kubernetes.BaseUri.AbsoluteUri.TrimEnd('/')}", kubeconfig);
        Assert.Contains("certificate-authority-data:", kubeconfig);
        Assert.Contains("name: clusterUser_rg1_clustername1", kubeconfig);

        using var client = Client(kubeconfig);
        var nodes = await client.CoreV1.ListNodeAsync();
        Assert.Equal(FakeKubernetesServer.NodeNames, nodes.Items.Select(n => n.Metadata.Name));
        var request = Assert.Single(_fixture.Kubernetes.Requests);
        Assert.Equal("Token", request.AuthKind);
        Assert.Equal("clusterUser", request.User);
    }

    [Fact]
    public async Task The_admin_credential_is_the_masterclient_certificate_signed_by_the_test_ca()
    {
        var kubeconfig = await CredentialAsync(FakeKubernetesFixture.ClusterId("rg2", "restricted1"), admin: true);
        Assert.Contains("client-certificate-data:", kubeconfig);
        Assert.Contains("client-key-data:", kubeconfig);
        Assert.DoesNotContain("token:", kubeconfig);

        using var client = Client(kubeconfig);
        var version = await client.Version.GetCodeAsync();
        Assert.Equal("v1.31.2", version.GitVersion);
        var request = Assert.Single(_fixture.Kubernetes.Requests);
        Assert.Equal("ClientCertificate", request.AuthKind);
        Assert.Equal("masterclient", request.User);
    }

    [Fact]
    public async Task The_user_credential_of_an_entra_cluster_is_the_kubelogin_exec_user()
    {
        var kubeconfig = await CredentialAsync(FakeKubernetesFixture.ClusterId("rg2", "restricted1"), admin: false);
        var parsed = KubernetesYaml.Deserialize<K8SConfiguration>(kubeconfig);
        var exec = Assert.Single(parsed.Users).UserCredentials.ExternalExecution;
        Assert.Equal("kubelogin", exec.Command);
        Assert.Equal("client.authentication.k8s.io/v1beta1", exec.ApiVersion);
        Assert.Equal(
            ["get-token", "--environment", "AzurePublicCloud", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630",
             "--client-id", "80faf920-1908-4b52-b5ef-a8e7bedfc67a", "--tenant-id", FakeKubernetesFixture.TenantId, "--login", "devicecode"],
            exec.Arguments);
        Assert.Equal(_fixture.Kubernetes.BaseUri.AbsoluteUri.TrimEnd('/'), Assert.Single(parsed.Clusters).ClusterEndpoint.Server);
    }

    [Fact]
    public async Task Written_kubeconfigs_work_with_kubernetes_client_for_token_and_certificate_users_and_server_side_apply()
    {
        using var tokenClient = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_fixture.WriteKubeConfig(context: "fake")));
        var map = new V1ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new V1ObjectMeta { Name = "applied", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["a"] = "1" } };
        var applied = await tokenClient.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(map, V1Patch.PatchType.ApplyPatch), "applied", "default", fieldManager: "aks-security");
        Assert.Equal("aks-security", Assert.Single(applied.Metadata.ManagedFields).Manager);

        using var certificateClient = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_fixture.WriteKubeConfig(FakeKubeUser.ClientCertificate)));
        var read = await certificateClient.CoreV1.ReadNamespacedConfigMapAsync("applied", "default");
        Assert.Equal("1", read.Data["a"]);
        var missing = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => certificateClient.CoreV1.ReadNamespacedConfigMapAsync("missing", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Equal(["Token", "ClientCertificate", "ClientCertificate"], _fixture.Kubernetes.Requests.Select(r => r.AuthKind));

        var path = _fixture.WriteKubeConfig();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Kubernetes_client_creates_a_job_reads_its_log_follows_another_and_deletes_with_a_policy()
    {
        _fixture.Kubernetes.Options.KubeBenchLog = node => $"[PASS] on {node}";
        using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_fixture.WriteKubeConfig()));
        var job = KubernetesYaml.Deserialize<V1Job>(KubernetesControllerTests.Job("kb", FakeKubernetesServer.NodeNames[0]).ToJsonString());
        await client.BatchV1.CreateNamespacedJobAsync(job, "default");

        // Waits the way a client does: a watch on the Job by name until it is complete.
        var completed = new TaskCompletionSource<V1Job>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watchCancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await foreach (var (_, item) in client.BatchV1.WatchListNamespacedJobAsync("default", fieldSelector: "metadata.name=kb", cancellationToken: watchCancel.Token))
        {
            if (item.Status?.Succeeded == 1)
            {
                completed.SetResult(item);
                break;
            }
        }

        var live = await completed.Task;
        Assert.Contains(live.Status!.Conditions, c => c.Type == "Complete" && c.Status == "True");

        var pod = Assert.Single((await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "job-name=kb")).Items);
        using (var log = await client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, "default", container: "kube-bench"))
        using (var reader = new StreamReader(log))
        {
            Assert.Equal($"[PASS] on {FakeKubernetesServer.NodeNames[0]}\n", await reader.ReadToEndAsync());
        }

        _fixture.Kubernetes.PutObject(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"falco-z","namespace":"default"},"spec":{"containers":[{"name":"falco","image":"falco"}]},"status":{"phase":"Running"}}
            """)!.AsObject());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using (var stream = await client.CoreV1.ReadNamespacedPodLogAsync("falco-z", "default", follow: true, cancellationToken: cancel.Token))
        using (var reader = new StreamReader(stream))
        {
            _fixture.Kubernetes.AppendPodLog("default", "falco-z", null, "alert-1");
            Assert.Equal("alert-1", await reader.ReadLineAsync(cancel.Token));
        }

        var status = await client.BatchV1.DeleteNamespacedJobAsync("kb", "default", propagationPolicy: "Background");
        Assert.Equal("Success", status.Status);
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "job-name=kb")).Items);
    }
}
