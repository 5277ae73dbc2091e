using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Completers;

/// <summary>Completes -Context from the contexts of the -KubeConfig file (else ~/.kube/config).</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var path = fakeBoundParameters["KubeConfig"]?.ToString()
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return Completion.ProviderPath(path) is { } resolved
            ? Completion.Matching(KubeConfigText.ContextNamesOf(resolved), wordToComplete)
            : Array.Empty<CompletionResult>();
    }
}
