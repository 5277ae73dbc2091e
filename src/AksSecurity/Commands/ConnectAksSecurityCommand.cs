using System.Management.Automation;
using System.Security;
using AksSecurity.Completers;
using AksSecurity.Engine.Azure;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Signs in to Azure for this session with the chosen identity and picks the subscription to work in.</summary>
[Cmdlet(VerbsCommunications.Connect, "AksSecurity", DefaultParameterSetName = DefaultChainSet)]
[OutputType(typeof(AksContext))]
public sealed class ConnectAksSecurityCommand : AksCmdlet
{
    private const string DefaultChainSet = "DefaultChain";
    private const string IdentitySet = "ManagedIdentity";
    private const string SecretSet = "ServicePrincipalSecret";
    private const string CredentialSet = "ServicePrincipalCredential";
    private const string CertificateSet = "ServicePrincipalCertificate";
    private const string WorkloadSet = "WorkloadIdentity";
    private const string CliSet = "AzureCli";
    private const string AzPowerShellSet = "AzurePowerShell";
    private const string DeviceCodeSet = "DeviceCode";
    private const string BrowserSet = "InteractiveBrowser";
    private const string TokenSet = "AccessToken";

    [Parameter(Mandatory = true, ParameterSetName = IdentitySet)]
    public SwitchParameter Identity { get; set; }

    [Parameter(ParameterSetName = IdentitySet)]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    public SwitchParameter ServicePrincipal { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = WorkloadSet)]
    [ValidateNotNullOrEmpty]
    public string? ApplicationId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    public SecureString? ClientSecret { get; set; }

    /// <summary>Az-style: user name is the application id, password the secret.</summary>
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificateSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = WorkloadSet)]
    public SwitchParameter WorkloadIdentity { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CliSet)]
    public SwitchParameter UseAzureCli { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = AzPowerShellSet)]
    public SwitchParameter UseAzurePowerShell { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public SwitchParameter UseDeviceAuthentication { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = BrowserSet)]
    public SwitchParameter Interactive { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = TokenSet)]
    public SecureString? AccessToken { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SecretSet)]
    [Parameter(Mandatory = true, ParameterSetName = CredentialSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateSet)]
    [Parameter(ParameterSetName = WorkloadSet)]
    [Parameter(ParameterSetName = CliSet)]
    [Parameter(ParameterSetName = AzPowerShellSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = BrowserSet)]
    [Parameter(ParameterSetName = TokenSet)]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    [Parameter]
    [ValidateSet("AzureCloud", "AzureUSGovernment", "AzureChinaCloud", IgnoreCase = true)]
    public string Environment { get; set; } = "AzureCloud";

    /// <summary>A custom ARM endpoint (Azure Stack Hub); its audience and login endpoint are read from its metadata.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ArmEndpoint { get; set; }

    /// <summary>The token audience of a custom ARM endpoint, when its metadata does not say.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ArmAudience { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AuthorityHost { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SubscriptionId", "SubscriptionName")]
    [ArgumentCompleter(typeof(SubscriptionCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Subscription { get; set; }

    [Parameter]
    [ValidateRange(0, 10)]
    public int? MaxRetryCount { get; set; }

    /// <summary>How long to follow one long-running operation (and to wait for another party's operation) before failing.</summary>
    [Parameter]
    public TimeSpan? OperationTimeout { get; set; }

    protected override void ProcessRecord()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Environment)) && ArmEndpoint is not null)
        {
            Fail(new AksSecurityException(AksErrorKind.InvalidArgument, "Use either -Environment or -ArmEndpoint, not both.", "ArmEndpoint"));
        }

        // Like the default chain, an explicit sign-in goes to AKSSECURITY_ARM_ENDPOINT (Azure Stack Hub runbooks) when no cloud is named.
        if (ArmEndpoint is null && !MyInvocation.BoundParameters.ContainsKey(nameof(Environment))
            && System.Environment.GetEnvironmentVariable(ConnectionResolver.ArmEndpointVariable) is { Length: > 0 } fromEnvironment)
        {
            WriteVerbose($"Using the ARM endpoint in {ConnectionResolver.ArmEndpointVariable}: {fromEnvironment}.");
            ArmEndpoint = fromEnvironment;
        }

        if (ArmEndpoint is null && (ArmAudience is not null || AuthorityHost is not null))
        {
            Fail(new AksSecurityException(AksErrorKind.InvalidArgument, "-ArmAudience and -AuthorityHost apply to a custom -ArmEndpoint only.", "ArmAudience"));
        }

        if (OperationTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            Fail(new AksSecurityException(AksErrorKind.InvalidArgument, $"-OperationTimeout must be positive; '{timeout}' is not.", "OperationTimeout"));
        }

        var request = new ConnectionRequest
        {
            Method = ParameterSetName switch
            {
                IdentitySet => AuthenticationMethod.ManagedIdentity,
                SecretSet or CredentialSet => AuthenticationMethod.ServicePrincipalSecret,
                CertificateSet => AuthenticationMethod.ServicePrincipalCertificate,
                WorkloadSet => AuthenticationMethod.WorkloadIdentity,
                CliSet => AuthenticationMethod.AzureCli,
                AzPowerShellSet => AuthenticationMethod.AzurePowerShell,
                DeviceCodeSet => AuthenticationMethod.DeviceCode,
                BrowserSet => AuthenticationMethod.InteractiveBrowser,
                TokenSet => AuthenticationMethod.AccessToken,
                _ => AuthenticationMethod.DefaultChain,
            },
            Environment = Environment,
            ArmEndpoint = ArmEndpoint,
            ArmAudience = ArmAudience,
            AuthorityHost = AuthorityHost,
            TenantId = TenantId,
            ClientId = ParameterSetName == CredentialSet ? Credential!.UserName : ApplicationId ?? ClientId,
            ClientSecret = ParameterSetName == CredentialSet ? Credential!.Password : ClientSecret,
            CertificatePath = CertificatePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CertificatePath),
            CertificatePassword = CertificatePassword,
            AccessToken = AccessToken,
            Subscription = Subscription,
            MaxRetries = MaxRetryCount,
            OperationTimeout = OperationTimeout,
        };

        ForItem(ArmEndpoint ?? Environment, () =>
        {
            var connection = Run((sink, token) => ArmConnection.ConnectAsync(request, sink, token));
            AksSession.Current = connection;
            AzAccountsBridge.Forget();
            WriteObject(connection.Context);
        });
    }
}
