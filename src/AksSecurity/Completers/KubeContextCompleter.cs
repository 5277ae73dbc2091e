using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Completers;

/// <summary>Completes -Context from the contexts of the -KubeConfig file (else ~/.kube/config).</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var path = fakeBoundParameters["KubeConfig"]?.ToString()
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        try
        {
            // Relative to PowerShell's current location, which is not the process's.
            path = Runspace.DefaultRunspace?.SessionStateProxy.Path.GetUnresolvedProviderPathFromPSPath(path) ?? path;
        }
        catch (Exception ex) when (ex is RuntimeException or NotSupportedException or InvalidOperationException)
        {
            return Array.Empty<CompletionResult>();
        }

        return Completion.Matching(KubeConfigText.ContextNamesOf(path), wordToComplete);
    }
}
