using System.Management.Automation;
using AksSecurity.Engine.Azure;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Forgets the session's connection (and any cached Az.Accounts token).</summary>
[Cmdlet(VerbsCommunications.Disconnect, "AksSecurity")]
[OutputType(typeof(void))]
public sealed class DisconnectAksSecurityCommand : AksCmdlet
{
    protected override void ProcessRecord()
    {
        var had = AksSession.Current;
        AksSession.Clear();
        AzAccountsBridge.Forget();
        Completers.CompletionCache.Clear();
        WriteVerbose(had is null ? "Was not connected." : $"Disconnected from {had.Context}.");
    }
}
