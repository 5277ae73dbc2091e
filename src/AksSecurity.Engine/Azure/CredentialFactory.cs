using System.Security.Cryptography.X509Certificates;
using global::Azure.Core;
using global::Azure.Identity;

namespace AksSecurity.Engine.Azure;

/// <summary>Builds the Azure.Identity credential for a connection request.</summary>
internal static class CredentialFactory
{
    public static TokenCredential Create(ConnectionRequest request, ArmEnvironment environment, IOperationSink sink)
    {
        var authority = environment.AuthorityHost;
        // Custom clouds and test servers are not in MSAL's list of known authorities.
        var custom = !ArmEnvironment.KnownClouds.Any(c => c.AuthorityHost == authority);
        T Configure<T>(T options) where T : TokenCredentialOptions
        {
            options.AuthorityHost = authority;
            if (ArmConnection.TestTransport is { } transport)
            {
                options.Transport = transport;
            }

            return options;
        }

        switch (request.Method)
        {
            case AuthenticationMethod.ManagedIdentity:
                // Azure Automation and App Service publish IDENTITY_ENDPOINT/IDENTITY_HEADER; Azure.Identity finds them.
                return new ManagedIdentityCredential(string.IsNullOrEmpty(request.ClientId)
                    ? ManagedIdentityId.SystemAssigned
                    : ManagedIdentityId.FromUserAssignedClientId(request.ClientId));

            case AuthenticationMethod.ServicePrincipalSecret:
                return new ClientSecretCredential(Require(request.TenantId, "TenantId"), Require(request.ClientId, "ApplicationId"),
                    StaticTokenCredential.Reveal(request.ClientSecret ?? throw Missing("ClientSecret")),
                    Configure(new ClientSecretCredentialOptions { DisableInstanceDiscovery = custom }));

            case AuthenticationMethod.ServicePrincipalCertificate:
                return new ClientCertificateCredential(Require(request.TenantId, "TenantId"), Require(request.ClientId, "ApplicationId"),
                    request.Certificate ?? LoadCertificate(request),
                    Configure(new ClientCertificateCredentialOptions { DisableInstanceDiscovery = custom, SendCertificateChain = true }));

            case AuthenticationMethod.WorkloadIdentity:
                return WorkloadIdentity(request, custom, Configure);

            case AuthenticationMethod.AzureCli:
                return new AzureCliCredential(new AzureCliCredentialOptions { TenantId = request.TenantId });

            case AuthenticationMethod.AzurePowerShell:
                return new AzurePowerShellCredential(new AzurePowerShellCredentialOptions { TenantId = request.TenantId });

            case AuthenticationMethod.DeviceCode:
                return new DeviceCodeCredential(Configure(new DeviceCodeCredentialOptions
                {
                    TenantId = request.TenantId,
                    DisableInstanceDiscovery = custom,
                    DeviceCodeCallback = (code, _) => { sink.Prompt(code.Message); return Task.CompletedTask; },
                }));

            case AuthenticationMethod.InteractiveBrowser:
                return new InteractiveBrowserCredential(Configure(new InteractiveBrowserCredentialOptions { TenantId = request.TenantId, DisableInstanceDiscovery = custom }));

            case AuthenticationMethod.AccessToken:
            case AuthenticationMethod.AzAccounts:
                return new StaticTokenCredential(request.AccessToken ?? throw Missing("AccessToken"), request.AccessTokenExpiresOn,
                    request.Method == AuthenticationMethod.AzAccounts ? "Az.Accounts" : "-AccessToken");

            default:
                // Non-interactive sources only, so runbooks and pipelines never hang on a prompt.
                return new ChainedTokenCredential(
                    new EnvironmentCredential(Configure(new EnvironmentCredentialOptions())),
                    new WorkloadIdentityCredential(Configure(new WorkloadIdentityCredentialOptions())),
                    new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned),
                    new AzureCliCredential(),
                    new AzurePowerShellCredential());
        }
    }

    /// <summary>Azure DevOps service connections with workload identity federation, else AKS/GitHub-style federated token files.</summary>
    private static TokenCredential WorkloadIdentity(ConnectionRequest request, bool custom, Func<WorkloadIdentityCredentialOptions, WorkloadIdentityCredentialOptions> configure)
    {
        var env = System.Environment.GetEnvironmentVariables();
        string? Env(string name) => env[name] as string;
        var serviceConnection = Env("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID");
        var systemToken = Env("SYSTEM_ACCESSTOKEN");
        if (!string.IsNullOrEmpty(serviceConnection) && !string.IsNullOrEmpty(systemToken))
        {
            return new AzurePipelinesCredential(
                request.TenantId ?? Env("AZURESUBSCRIPTION_TENANT_ID") ?? throw Missing("TenantId"),
                request.ClientId ?? Env("AZURESUBSCRIPTION_CLIENT_ID") ?? throw Missing("ApplicationId"),
                serviceConnection, systemToken);
        }

        if (string.IsNullOrEmpty(Env("AZURE_FEDERATED_TOKEN_FILE")))
        {
            throw new AksSecurityException(AksErrorKind.AuthenticationError,
                "No workload identity found: set AZURE_FEDERATED_TOKEN_FILE (AKS, GitHub) or run in an Azure DevOps task with a workload-identity service connection (AZURESUBSCRIPTION_SERVICE_CONNECTION_ID and SYSTEM_ACCESSTOKEN).");
        }

        return new WorkloadIdentityCredential(configure(new WorkloadIdentityCredentialOptions
        {
            TenantId = request.TenantId ?? Env("AZURE_TENANT_ID"),
            ClientId = request.ClientId ?? Env("AZURE_CLIENT_ID"),
            DisableInstanceDiscovery = custom,
        }));
    }

    private static X509Certificate2 LoadCertificate(ConnectionRequest request)
    {
        var path = Require(request.CertificatePath, "CertificatePath");
        if (!File.Exists(path))
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"Certificate file '{path}' does not exist.", path);
        }

        try
        {
            var password = request.CertificatePassword is null ? null : StaticTokenCredential.Reveal(request.CertificatePassword);
            return path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
                ? X509Certificate2.CreateFromPemFile(path)
                : new X509Certificate2(path, password);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Could not read certificate '{path}': {ex.Message}", path, ex);
        }
    }

    private static string Require(string? value, string parameter) =>
        string.IsNullOrWhiteSpace(value) ? throw Missing(parameter) : value;

    private static AksSecurityException Missing(string parameter) =>
        new(AksErrorKind.InvalidArgument, $"-{parameter} is required for this way of connecting.", parameter);
}
