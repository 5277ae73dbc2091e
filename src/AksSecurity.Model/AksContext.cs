namespace AksSecurity;

/// <summary>The module's current Azure connection, as Get-AksSecurityContext shows it. Never holds a token.</summary>
public sealed class AksContext
{
    public required string Environment { get; init; }
    public required string ArmEndpoint { get; init; }
    public string? TenantId { get; init; }
    public string? SubscriptionId { get; init; }
    public string? SubscriptionName { get; init; }
    public string? Account { get; init; }

    /// <summary>How tokens are obtained: ManagedIdentity, ServicePrincipalSecret, AzureCli, AzAccounts, DefaultChain, ...</summary>
    public required string AuthenticationMethod { get; init; }

    /// <summary>Who set the connection: Connect-AksSecurity, Az.Accounts (reused), or the default chain.</summary>
    public required string ConnectedBy { get; init; }

    public override string ToString() => $"{Account ?? AuthenticationMethod} @ {Environment} ({SubscriptionId ?? "no subscription"})";
}
