using AksSecurity.Engine.Azure;

namespace AksSecurity.Infrastructure;

/// <summary>Finds the connection a cmdlet should use when the user did not pass one.</summary>
internal static class ConnectionResolver
{
    /// <summary>Azure Stack Hub runbooks set this so the default chain talks to their ARM without a Connect call.</summary>
    public const string ArmEndpointVariable = "AKSSECURITY_ARM_ENDPOINT";

    public static ArmConnection Resolve(AksCmdlet cmdlet)
    {
        if (AksSession.Current is { } current)
        {
            return current;
        }

        if (AzAccountsBridge.TryConnect(cmdlet) is { } fromAz)
        {
            return fromAz;
        }

        cmdlet.WriteVerbose("Not connected: trying the default credential chain (environment, workload identity, managed identity, Azure CLI, Azure PowerShell).");
        var request = new ConnectionRequest
        {
            Method = AuthenticationMethod.DefaultChain,
            ArmEndpoint = Environment.GetEnvironmentVariable(ArmEndpointVariable) is { Length: > 0 } endpoint ? endpoint : null,
            ConnectedBy = "DefaultChain",
        };
        var connection = cmdlet.Run((sink, token) => ArmConnection.ConnectAsync(request, sink, token));
        AksSession.Current = connection;
        return connection;
    }
}
