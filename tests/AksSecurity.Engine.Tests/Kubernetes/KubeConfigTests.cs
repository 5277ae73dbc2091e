using System.Security;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tests.Kubernetes;

public sealed class KubeConfigTests : IDisposable
{
    // The shapes ARM's credential actions return (token user; Entra clusters: kubelogin exec user; admin: client certificate).
    private const string KubeConfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: aks-prod
          cluster:
            certificate-authority-data: Y2E=
            server: https://aks-prod-dns.hcp.westeurope.azmk8s.io:443
        contexts:
        - name: aks-prod
          context: {cluster: aks-prod, user: clusterUser_rg_aks-prod}
        - name: aks-admin
          context: {cluster: aks-prod, user: clusterAdmin_rg_aks-prod}
        - name: aks-token
          context: {cluster: aks-prod, user: token-user}
        current-context: aks-prod
        preferences: {}
        users:
        - name: clusterUser_rg_aks-prod
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: kubelogin
              args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, 72f988bf-0000-0000-0000-000000000000, --login, devicecode]
              provideClusterInfo: false
        - name: clusterAdmin_rg_aks-prod
          user: {client-certificate-data: Y2VydA==, client-key-data: a2V5, token: abc}
        - name: token-user
          user: {token: secret-token}
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("aks-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Reads_contexts_users_and_how_each_signs_in()
    {
        var text = KubeConfigText.Parse(KubeConfig, "test");
        Assert.Equal(new[] { "aks-prod", "aks-admin", "aks-token" }, text.ContextNames);
        Assert.Equal("aks-prod", text.ResolveContext(null));
        Assert.Equal("Entra", text.AuthenticationOf("aks-prod"));
        Assert.Equal("6dae42f8-4368-4678-94ff-3960e28e3630", text.EntraServerId("aks-prod"));
        Assert.Equal("Token", text.AuthenticationOf("aks-token"));
        Assert.Equal("https://aks-prod-dns.hcp.westeurope.azmk8s.io:443", text.ServerOf("aks-admin"));
    }

    [Fact]
    public void Azure_auth_provider_users_are_entra_users()
    {
        const string legacy = """
            clusters: [{name: c, cluster: {server: "https://c:443"}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            current-context: c
            users: [{name: u, user: {auth-provider: {name: azure, config: {apiserver-id: 6dae42f8-4368-4678-94ff-3960e28e3630}}}}]
            """;
        var text = KubeConfigText.Parse(legacy, "legacy");
        Assert.Equal("Entra", text.AuthenticationOf("c"));
        Assert.Equal("6dae42f8-4368-4678-94ff-3960e28e3630", text.EntraServerId("c"));
    }

    [Fact]
    public void Unknown_context_lists_the_known_ones()
    {
        var ex = Assert.Throws<AksSecurityException>(() => KubeConfigText.Parse(KubeConfig, "cfg").ResolveContext("nope"));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("aks-prod, aks-admin, aks-token", ex.Message);
    }

    [Fact]
    public void Rename_context_renames_it_and_makes_it_current()
    {
        var renamed = KubeConfigText.Parse(KubeConfigText.Parse(KubeConfig, "cfg").RenameContext("aks-prod", "prod"), "renamed");
        Assert.Equal(new[] { "prod", "aks-admin", "aks-token" }, renamed.ContextNames);
        Assert.Equal("prod", renamed.CurrentContext);
        Assert.Equal("clusterUser_rg_aks-prod", renamed.UserOf("prod"));
    }

    [Fact]
    public void Target_from_kubeconfig_checks_file_and_context_before_anything_is_sent()
    {
        var path = Path.Combine(_dir, "config");
        File.WriteAllText(path, KubeConfig);
        var target = KubernetesTarget.FromKubeConfig(path, "aks-token");
        Assert.Equal("aks-token", target.DisplayName);
        Assert.False(target.NeedsAzureCredential);
        Assert.True(KubernetesTarget.FromKubeConfig(path, null).NeedsAzureCredential);
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => KubernetesTarget.FromKubeConfig(Path.Combine(_dir, "missing"), null)).Kind);
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => KubernetesTarget.FromKubeConfig(path, "other")).Kind);
        File.WriteAllText(path, "a: [");
        Assert.Equal(AksErrorKind.InvalidData, Assert.Throws<AksSecurityException>(() => KubernetesTarget.FromKubeConfig(path, null)).Kind);
    }

    [Fact]
    public void Context_names_of_an_unreadable_file_are_none()
    {
        Assert.Empty(KubeConfigText.ContextNamesOf(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void Written_file_is_owner_only_and_not_replaced_without_force()
    {
        var kubeConfig = Sample();
        var path = Path.Combine(_dir, "out", "kubeconfig");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var written = KubeConfigExport.WriteFile(kubeConfig, path, force: false);
        Assert.Equal(path, written.Path);
        Assert.Equal("apiVersion: v1\n", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var ex = Assert.Throws<AksSecurityException>(() => KubeConfigExport.WriteFile(kubeConfig, path, force: false));
        Assert.Contains("-Force", ex.Message);

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
            KubeConfigExport.WriteFile(kubeConfig, path, force: true);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Paths_that_cannot_be_written_are_refused_before_anything_is_fetched()
    {
        var existing = Path.Combine(_dir, "existing");
        File.WriteAllText(existing, "keep me");

        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => KubeConfigExport.CheckPath(Path.Combine(_dir, "bad\0name"), force: false)).Kind);
        Assert.Contains("pass -Force", Assert.Throws<AksSecurityException>(() => KubeConfigExport.CheckPath(existing, force: false)).Message);
        Assert.Contains("is a folder", Assert.Throws<AksSecurityException>(() => KubeConfigExport.CheckPath(_dir, force: true)).Message);
        Assert.Contains("does not exist", Assert.Throws<AksSecurityException>(() => KubeConfigExport.CheckPath(Path.Combine(_dir, "missing", "config"), force: false)).Message);
        KubeConfigExport.CheckPath(existing, force: true);
        KubeConfigExport.CheckPath(Path.Combine(_dir, "new"), force: false);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void The_object_never_shows_its_text()
    {
        var kubeConfig = Sample();
        Assert.DoesNotContain("apiVersion", kubeConfig.ToString());
        Assert.Contains("content hidden", kubeConfig.ToString());
    }

    private static AksKubeConfig Sample()
    {
        var secure = new SecureString();
        foreach (var c in "apiVersion: v1\n")
        {
            secure.AppendChar(c);
        }

        return new AksKubeConfig { Cluster = "aks", Context = "aks", Content = secure, Authentication = "Token" };
    }
}
