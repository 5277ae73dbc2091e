using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using global::Azure.Core;
using global::Azure.Identity;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// An open connection to one cluster's API server. From ARM the kubeconfig comes from listClusterUserCredential (or
/// listClusterAdminCredential) and stays in memory; an Entra ID user (kubelogin exec plugin, azure auth-provider, or any
/// user credential of a cluster with an aadProfile) is replaced by a bearer token for the AKS server application from the
/// session's own credential, renewed before it expires — no kubelogin. A kubeconfig file is read through KubernetesClient's
/// loader (relative certificate paths, exec plugins); TLS trusts the kubeconfig's CA and nothing skips verification.
/// </summary>
public sealed class KubernetesSession : IAsyncDisposable, IDisposable
{
    /// <summary>The Entra ID server application of AKS-managed Entra integration (the same in every cloud).</summary>
    public const string AksEntraServerApplicationId = "6dae42f8-4368-4678-94ff-3960e28e3630";

    private readonly KubernetesHttp _http;
    private readonly X509Certificate2? _clientCertificate;
    private IOperationSink _sink;

    private KubernetesSession(KubernetesHttp http, X509Certificate2? clientCertificate, IOperationSink sink, string clusterName)
    {
        _http = http;
        _clientCertificate = clientCertificate;
        _sink = sink;
        ClusterName = clusterName;
        Objects = new KubernetesObjects(http);
    }

    public string ClusterName { get; }

    /// <summary>The ARM resource id (ARM targets only).</summary>
    public string? ClusterId { get; private init; }

    /// <summary>The cluster's node OS upgrade channel as it takes effect (absent = NodeImage); ARM targets only.</summary>
    public string? NodeOsUpgradeChannel { get; private init; }

    /// <summary>The control plane version ARM reports (currentKubernetesVersion); ARM targets only.</summary>
    public string? ClusterKubernetesVersion { get; private init; }

    /// <summary>The API server's address.</summary>
    public Uri Server => _http.Server;

    /// <summary>How the session signs in: Token, ClientCertificate, Entra, Exec, Basic or None.</summary>
    public string Authentication { get; private init; } = "None";

    public KubernetesObjects Objects { get; }

    /// <summary>Where -Debug lines of later requests go (a command relays one sink per engine call).</summary>
    public void ReportTo(IOperationSink sink) => _sink = sink ?? NullOperationSink.Instance;

    public static async Task<KubernetesSession> OpenAsync(KubernetesTarget target, IOperationSink sink, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Cluster is { } cluster)
        {
            return await OpenFromArmAsync(target.Connection!, cluster, target.Admin, sink, ct).ConfigureAwait(false);
        }

        var kubeConfig = target.KubeConfig!;
        var context = target.Context!;
        var entra = kubeConfig.AuthenticationOf(context) == "Entra";
        if (entra && target.Connection is null)
        {
            throw new AksSecurityException(AksErrorKind.NotConnected,
                $"Context '{context}' of {target.KubeConfigPath} signs in through Entra ID (kubelogin); connect with Connect-AksSecurity so AksSecurity can get the token itself.", target.KubeConfigPath);
        }

        K8SConfiguration model;
        try
        {
            model = await KubernetesClientConfiguration.LoadKubeConfigAsync(new FileInfo(target.KubeConfigPath!), useRelativePaths: true).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or YamlDotNet.Core.YamlException or UnauthorizedAccessException)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Cannot load kubeconfig '{target.KubeConfigPath}': {ex.Message}", target.KubeConfigPath, ex);
        }

        var serverId = kubeConfig.EntraServerId(context) ?? AksEntraServerApplicationId;
        var session = Build(model, context, entra ? target.Connection!.Client.Credential : null, serverId, target.KubeConfigPath!, sink,
            kubeConfig.ClusterOf(context) ?? context, arm: null);
        sink.Verbose($"Kubernetes: context '{context}' of {target.KubeConfigPath} → {session.Server.GetLeftPart(UriPartial.Authority)} ({session.Authentication}).");
        return session;
    }

    /// <summary>GET /version: the API server's gitVersion, e.g. "v1.31.2".</summary>
    public async Task<string> GetServerVersionAsync(CancellationToken ct)
    {
        var response = await _http.SendAsync(HttpMethod.Get, "/version", null, null, retryable: true, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw KubernetesErrors.ToException(response, "get", "the server version (/version)", "version");
        }

        return response.Body?["gitVersion"] is JsonValue v && v.TryGetValue<string>(out var version) ? version
            : throw new AksSecurityException(AksErrorKind.InvalidData, $"The API server of '{ClusterName}' answered /version without a gitVersion.", ClusterName);
    }

    public void Dispose()
    {
        _http.Dispose();
        _clientCertificate?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<KubernetesSession> OpenFromArmAsync(ArmConnection connection, ClusterResourceId id, bool admin, IOperationSink sink, CancellationToken ct)
    {
        var (document, bytes) = await ArmKubeConfig.FetchAsync(connection, id, admin, sink, ct).ConfigureAwait(false);
        var view = document.View;
        var text = KubeConfigText.Parse(ManifestYaml.Decode(bytes), $"the {(admin ? "admin" : "user")} kubeconfig of '{id.Name}'");
        var context = text.ResolveContext(null);
        var entra = !admin && (JsonPaths.Get(document.Root, ManagedClusterView.AadProfilePath) is JsonObject || text.AuthenticationOf(context) == "Entra");
        K8SConfiguration model;
        using (var stream = new MemoryStream(bytes, writable: false))
        {
            model = await KubernetesClientConfiguration.LoadKubeConfigAsync(stream).ConfigureAwait(false);
        }

        var session = Build(model, context, entra ? connection.Client.Credential : null, text.EntraServerId(context) ?? AksEntraServerApplicationId,
            $"cluster '{id.Name}'", sink, id.Name, (id, view));
        sink.Verbose($"Kubernetes: cluster '{id.Name}' ({(admin ? "admin" : "user")} credential) → {session.Server.GetLeftPart(UriPartial.Authority)} ({session.Authentication}).");
        return session;
    }

    private static KubernetesSession Build(K8SConfiguration model, string context, TokenCredential? entraCredential, string entraServerId, string source,
        IOperationSink sink, string clusterName, (ClusterResourceId Id, ManagedClusterView View)? arm)
    {
        if (entraCredential is not null)
        {
            // The token replaces whatever the kubeconfig would run (kubelogin) or refresh (auth-provider azure): the context
            // loses its user, so KubernetesClient neither runs nor asks for anything.
            foreach (var entry in model.Contexts?.Where(c => c.Name == context && c.ContextDetails is not null) ?? Enumerable.Empty<Context>())
            {
                entry.ContextDetails.User = null;
            }
        }

        KubernetesClientConfiguration config;
        try
        {
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(model, context);
        }
        catch (KubeConfigException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"The kubeconfig of {source} cannot be used: {ex.Message}", source, ex);
        }

        if (config.SkipTlsVerify)
        {
            throw new AksSecurityException(AksErrorKind.NotSupported,
                $"Context '{context}' of {source} sets insecure-skip-tls-verify; AksSecurity only talks to API servers whose certificate it can verify. Put the cluster's CA in certificate-authority-data instead.",
                source);
        }

        if (!Uri.TryCreate(config.Host, UriKind.Absolute, out var server) || server.Scheme != Uri.UriSchemeHttps)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"The server of context '{context}' in {source} is not an https:// URL: '{config.Host}'.", source);
        }

        X509Certificate2? clientCertificate = null;
        if (!string.IsNullOrEmpty(config.ClientCertificateData) || !string.IsNullOrEmpty(config.ClientCertificateFilePath))
        {
            try
            {
                clientCertificate = ClientCertificate(config);
            }
            catch (Exception ex) when (ex is KubeConfigException or System.Security.Cryptography.CryptographicException or IOException or FormatException)
            {
                throw new AksSecurityException(AksErrorKind.InvalidData, $"The client certificate of context '{context}' in {source} cannot be read: {ex.Message}", source, ex);
            }
        }

        var (authorization, kind) = Authorization(config, entraCredential, entraServerId, clientCertificate is not null);
        KubernetesSession? session = null;
        var http = new KubernetesHttp(server.AbsoluteUri.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/"), config.SslCaCerts, clientCertificate,
            config.TlsServerName, authorization, () => session?._sink ?? sink);
        session = new KubernetesSession(http, clientCertificate, sink, clusterName)
        {
            Authentication = kind,
            ClusterId = arm?.Id.Id,
            NodeOsUpgradeChannel = arm?.View.EffectiveNodeOSUpgradeChannel,
            ClusterKubernetesVersion = arm is { } a ? a.View.CurrentKubernetesVersion ?? a.View.KubernetesVersion : null,
        };
        return session;
    }

    /// <summary>The user's certificate and key (PEM, inline base64 or files), re-imported from PKCS#12 so every platform's TLS stack can use the key.</summary>
    private static X509Certificate2 ClientCertificate(KubernetesClientConfiguration config)
    {
        var certificatePem = string.IsNullOrEmpty(config.ClientCertificateData)
            ? File.ReadAllText(config.ClientCertificateFilePath!)
            : Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData));
        var keyPem = string.IsNullOrEmpty(config.ClientCertificateKeyData)
            ? File.ReadAllText(config.ClientKeyFilePath ?? throw new KubeConfigException("the user has a client certificate but no client key"))
            : Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData));
        using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
#pragma warning disable SYSLIB0057 // X509CertificateLoader is not in net8.0; this is the PKCS#12 round trip the platforms need.
        return new X509Certificate2(ephemeral.Export(X509ContentType.Pkcs12));
#pragma warning restore SYSLIB0057
    }

    private static (AuthorizationSource Source, string Kind) Authorization(KubernetesClientConfiguration config, TokenCredential? entraCredential,
        string entraServerId, bool hasClientCertificate)
    {
        if (entraCredential is not null)
        {
            var tokens = new EntraTokenSource(entraCredential, $"{entraServerId}/.default");
            return (tokens.GetAsync, "Entra");
        }

        if (config.TokenProvider is { } provider)
        {
            return (async ct => (await provider.GetAuthenticationHeaderAsync(ct).ConfigureAwait(false)).ToString(), "Exec");
        }

        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            var header = "Bearer " + config.AccessToken;
            return (_ => ValueTask.FromResult<string?>(header), "Token");
        }

        if (!string.IsNullOrEmpty(config.Username))
        {
            var header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{config.Username}:{config.Password}"));
            return (_ => ValueTask.FromResult<string?>(header), "Basic");
        }

        return (_ => ValueTask.FromResult<string?>(null), hasClientCertificate ? "ClientCertificate" : "None");
    }

    /// <summary>Bearer tokens for the AKS Entra server application, fetched once and renewed five minutes before they expire.</summary>
    internal sealed class EntraTokenSource
    {
        internal static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
        private readonly TokenCredential _credential;
        private readonly string _scope;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private AccessToken? _current;

        public EntraTokenSource(TokenCredential credential, string scope)
        {
            _credential = credential;
            _scope = scope;
        }

        public async ValueTask<string?> GetAsync(CancellationToken ct)
        {
            if (_current is { } fresh && fresh.ExpiresOn - RenewBefore > DateTimeOffset.UtcNow)
            {
                return "Bearer " + fresh.Token;
            }

            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                if (_current is not { } token || token.ExpiresOn - RenewBefore <= DateTimeOffset.UtcNow)
                {
                    try
                    {
                        token = await _credential.GetTokenAsync(new TokenRequestContext(new[] { _scope }), ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException or global::Azure.RequestFailedException)
                    {
                        throw new AksSecurityException(AksErrorKind.AuthenticationError,
                            $"Could not get an Entra ID token for the AKS API server ({_scope}): {ex.Message.Split('\n', 2)[0].Trim()}", _scope, ex);
                    }

                    _current = token;
                }

                return "Bearer " + token.Token;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
