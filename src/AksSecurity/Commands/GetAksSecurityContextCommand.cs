using System.Management.Automation;
using AksSecurity.Engine.Azure;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Shows the connection the module's cmdlets use: never a token.</summary>
[Cmdlet(VerbsCommon.Get, "AksSecurityContext")]
[OutputType(typeof(AksContext))]
public sealed class GetAksSecurityContextCommand : AksCmdlet
{
    protected override void ProcessRecord()
    {
        if (AksSession.Current is { } current)
        {
            WriteObject(current.Context);
            return;
        }

        ForItem("Az.Accounts", () =>
        {
            if (AzAccountsBridge.TryConnect(this) is { } fromAz)
            {
                WriteObject(fromAz.Context);
            }
            else
            {
                WriteVerbose("Not connected. Run Connect-AksSecurity, or Connect-AzAccount; other cmdlets otherwise try the default credential chain.");
            }
        });
    }
}
