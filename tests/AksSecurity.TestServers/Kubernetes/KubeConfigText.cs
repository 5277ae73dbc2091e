using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>
/// Kubeconfig files for the fake API server, shaped like the ones AKS's listClusterUserCredential /
/// listClusterAdminCredential return (clusters/contexts/users, certificate-authority-data inline).
/// </summary>
internal static class KubeConfigText
{
    /// <summary>The public client (Azure CLI's AKS client) and the AKS server application kubelogin gets a token for.</summary>
    public const string KubeloginClientId = "80faf920-1908-4b52-b5ef-a8e7bedfc67a";

    public static string Build(FakeKubernetesServer server, string clusterName, string userName, string userBlock, string? contextName = null)
    {
        var context = contextName ?? clusterName;
        var caData = Convert.ToBase64String(Encoding.ASCII.GetBytes(server.Ca.CaCertificate.ExportCertificatePem() + "\n"));
        return $"""
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: {caData}
                server: {server.BaseUri.AbsoluteUri.TrimEnd('/')}
              name: {clusterName}
            contexts:
            - context:
                cluster: {clusterName}
                user: {userName}
              name: {context}
            current-context: {context}
            kind: Config
            preferences: {"{}"}
            users:
            - name: {userName}
              user:
            {userBlock}
            """ + "\n";
    }

    public static string TokenUser(string token) => $"    token: {token}";

    /// <summary>client-certificate-data / client-key-data: base64 of the PEM certificate and its PKCS#1 RSA key, as AKS writes them.</summary>
    public static string ClientCertificateUser(X509Certificate2 certificate)
    {
        using var key = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The client certificate has no RSA private key.");
        var certificateData = Convert.ToBase64String(Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"));
        var keyData = Convert.ToBase64String(Encoding.ASCII.GetBytes(key.ExportRSAPrivateKeyPem() + "\n"));
        return $"    client-certificate-data: {certificateData}\n    client-key-data: {keyData}";
    }

    /// <summary>
    /// The exec user ARM returns for Entra ID clusters (the kubelogin format AKS uses for Kubernetes 1.24+): kubelogin
    /// get-token in device-code mode for the AKS server application. A client must replace it with its own token.
    /// </summary>
    public static string KubeloginUser(string tenantId) => $"""
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - get-token
              - --environment
              - AzurePublicCloud
              - --server-id
              - {FakeKubernetesServer.AksServerApplicationId}
              - --client-id
              - {KubeloginClientId}
              - --tenant-id
              - {tenantId}
              - --login
              - devicecode
              command: kubelogin
              env: null
              installHint: |2

                kubelogin is not installed which is required to connect to AAD enabled cluster.

                To learn more, please go to https://aka.ms/aks/kubelogin
              provideClusterInfo: false
        """;

    /// <summary>Written with mode 0600 on Unix (credentials inside), through a temporary file.</summary>
    public static void Write(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            writer.Write(text);
        }

        File.Move(temporary, full, overwrite: true);
    }
}
