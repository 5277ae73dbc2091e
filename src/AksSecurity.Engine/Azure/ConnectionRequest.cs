using System.Security;

namespace AksSecurity.Engine.Azure;

/// <summary>How Connect-AksSecurity (or the Az.Accounts bridge) asks for tokens.</summary>
public enum AuthenticationMethod
{
    DefaultChain,
    ManagedIdentity,
    ServicePrincipalSecret,
    ServicePrincipalCertificate,
    WorkloadIdentity,
    AzureCli,
    AzurePowerShell,
    DeviceCode,
    InteractiveBrowser,
    AccessToken,
    AzAccounts,
}

/// <summary>Everything needed to build a connection. Secrets stay in SecureStrings until a credential needs them.</summary>
public sealed class ConnectionRequest
{
    public AuthenticationMethod Method { get; init; } = AuthenticationMethod.DefaultChain;
    public string Environment { get; init; } = "AzureCloud";

    /// <summary>A custom ARM endpoint (Azure Stack Hub, a test server); its audience and login endpoint are discovered from /metadata/endpoints unless given.</summary>
    public string? ArmEndpoint { get; init; }
    public string? ArmAudience { get; init; }
    public string? AuthorityHost { get; init; }

    public string? TenantId { get; init; }
    public string? ClientId { get; init; }
    public SecureString? ClientSecret { get; init; }
    public string? CertificatePath { get; init; }
    public SecureString? CertificatePassword { get; init; }
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }
    public SecureString? AccessToken { get; init; }
    public DateTimeOffset? AccessTokenExpiresOn { get; init; }

    /// <summary>Subscription id or display name; when absent the first enabled subscription the identity can see.</summary>
    public string? Subscription { get; init; }

    /// <summary>The account name to show in the context (Az.Accounts bridge).</summary>
    public string? Account { get; init; }

    public string ConnectedBy { get; init; } = "Connect-AksSecurity";

    public int? MaxRetries { get; init; }
    public TimeSpan? RetryDelay { get; init; }

    /// <summary>Bound on following one long-running operation and on waiting out another party's (409); defaults in <see cref="ArmClientOptions"/>.</summary>
    public TimeSpan? OperationTimeout { get; init; }
}
