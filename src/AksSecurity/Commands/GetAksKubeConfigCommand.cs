using System.Management.Automation;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Gets a cluster's kubeconfig from ARM (user credential, or -Admin). The result hides its text (a SecureString); -Path writes
/// it to a file readable by the owner only.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AksKubeConfig", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksKubeConfig))]
public sealed class GetAksKubeConfigCommand : ClusterTargetCmdlet
{
    [Parameter]
    public SwitchParameter Admin { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord() => ForItem(TargetText, () =>
    {
        var id = TargetId();
        var connection = Connection;
        var admin = Admin.IsPresent;
        var context = Context;
        // The path and the overwrite rule are checked before the credential is fetched: nothing is sent for a bad -Path.
        var path = Path is null ? null : ResolvePath(Path);
        if (path is not null)
        {
            KubeConfigExport.CheckPath(path, Force);
        }

        var kubeConfig = Run((sink, token) => KubeConfigExport.GetAsync(connection, id, admin, context, sink, token));
        if (path is not null)
        {
            kubeConfig = KubeConfigExport.WriteFile(kubeConfig, path, Force);
            WriteVerbose($"Wrote the kubeconfig of '{id.Name}' to {path} (readable by you only).");
        }

        WriteObject(kubeConfig);
    });

    private string ResolvePath(string path)
    {
        try
        {
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or SessionStateException or PSInvalidOperationException)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-Path is not a usable file path: {ex.Message}", path, ex);
        }
    }
}
