using System.Management.Automation;
using System.Security;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Reuses an Az.Accounts sign-in already made in the session (Connect-AzAccount, AzurePowerShell@5 tasks): its tenant,
/// subscription and environment, and tokens from Get-AzAccessToken — so nobody logs in twice. Tokens are fetched on the
/// pipeline thread (PowerShell cannot be called from elsewhere) and re-fetched when they near expiry.
/// </summary>
internal static class AzAccountsBridge
{
    private static readonly object Gate = new();
    private static (string Key, ArmConnection Connection, DateTimeOffset ExpiresOn)? _cached;

    public static void Forget()
    {
        lock (Gate) { _cached = null; }
    }

    public static ArmConnection? TryConnect(AksCmdlet cmdlet)
    {
        // Only a loaded Az.Accounts counts: auto-loading it would cost seconds on every call of users who do not use it.
        if (cmdlet.SessionState.InvokeCommand.GetCommands("Get-AzContext", CommandTypes.Function | CommandTypes.Cmdlet, nameIsPattern: false).FirstOrDefault() is null)
        {
            return null;
        }

        var context = cmdlet.InvokeCommand.InvokeScript("Get-AzContext").FirstOrDefault();
        var account = Read(context, "Account", "Id") as string;
        if (context is null || string.IsNullOrEmpty(account))
        {
            return null;
        }

        var tenant = Read(context, "Tenant", "Id") as string;
        var subscription = Read(context, "Subscription", "Id") as string;
        var environmentName = Read(context, "Environment", "Name") as string ?? "AzureCloud";
        var known = ArmEnvironment.KnownClouds.FirstOrDefault(c => string.Equals(c.Name, environmentName, StringComparison.OrdinalIgnoreCase));
        var armUrl = known?.ResourceManager.AbsoluteUri ?? Read(context, "Environment", "ResourceManagerUrl") as string;
        var audience = known?.Audience ?? Read(context, "Environment", "ActiveDirectoryServiceEndpointResourceId") as string ?? armUrl;
        var key = string.Join("|", account, tenant, subscription, armUrl);

        lock (Gate)
        {
            if (_cached is { } hit && hit.Key == key && hit.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
            {
                return hit.Connection;
            }
        }

        var (token, expiresOn) = GetToken(cmdlet, audience!);
        var request = new ConnectionRequest
        {
            Method = AuthenticationMethod.AzAccounts,
            Environment = known?.Name ?? "AzureCloud",
            ArmEndpoint = known is null ? armUrl : null,
            ArmAudience = known is null ? audience : null,
            AuthorityHost = known is null ? Read(context, "Environment", "ActiveDirectoryAuthority") as string : null,
            TenantId = tenant,
            Subscription = subscription,
            Account = account,
            AccessToken = token,
            AccessTokenExpiresOn = expiresOn,
            ConnectedBy = "Az.Accounts",
        };
        cmdlet.WriteVerbose($"Using the Az.Accounts context of {account} (subscription {subscription ?? "none"}).");
        var connection = cmdlet.Run((sink, ct) => ArmConnection.ConnectAsync(request, sink, ct));
        lock (Gate)
        {
            _cached = (key, connection, expiresOn);
        }

        return connection;
    }

    private static (SecureString Token, DateTimeOffset ExpiresOn) GetToken(AksCmdlet cmdlet, string audience)
    {
        var command = cmdlet.SessionState.InvokeCommand.GetCommand("Get-AzAccessToken", CommandTypes.Function | CommandTypes.Cmdlet);
        var asSecure = command?.Parameters.ContainsKey("AsSecureString") == true;
        var result = cmdlet.InvokeCommand.InvokeScript(
            asSecure ? "param($r) Get-AzAccessToken -ResourceUrl $r -AsSecureString -WarningAction SilentlyContinue" : "param($r) Get-AzAccessToken -ResourceUrl $r -WarningAction SilentlyContinue",
            audience).FirstOrDefault()
            ?? throw new AksSecurityException(AksErrorKind.AuthenticationError, "Get-AzAccessToken returned no token; run Connect-AzAccount again or use Connect-AksSecurity.");

        // Az.Accounts 2-4 return Token as a string, Az.Accounts 5+ (and -AsSecureString) as a SecureString.
        var secure = result.Properties["Token"]?.Value switch
        {
            SecureString s => s,
            PSObject { BaseObject: SecureString s } => s,
            string plain when plain.Length > 0 => ToSecure(plain),
            _ => throw new AksSecurityException(AksErrorKind.AuthenticationError, "Get-AzAccessToken returned an object without a Token."),
        };
        var expiresOn = result.Properties["ExpiresOn"]?.Value switch
        {
            DateTimeOffset d => d,
            DateTime d => new DateTimeOffset(d.ToUniversalTime()),
            PSObject { BaseObject: DateTimeOffset d } => d,
            _ => DateTimeOffset.UtcNow.AddMinutes(30),
        };
        return (secure, expiresOn);
    }

    private static SecureString ToSecure(string plain)
    {
        var secure = new SecureString();
        foreach (var ch in plain)
        {
            secure.AppendChar(ch);
        }

        secure.MakeReadOnly();
        return secure;
    }

    private static object? Read(PSObject? obj, string property, string inner)
    {
        var outer = obj?.Properties[property]?.Value;
        var wrapped = outer is PSObject ps ? ps : outer is null ? null : PSObject.AsPSObject(outer);
        var value = wrapped?.Properties[inner]?.Value;
        return value is PSObject p ? p.BaseObject : value;
    }
}
