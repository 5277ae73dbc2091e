using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AksSecurity.Engine.Monitoring;

namespace AksSecurity.Completers;

/// <summary>Completes AKS log category names (kube-audit, csi-azuredisk-controller, ...).</summary>
public sealed class LogCategoryCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(AksLogCategories.All, wordToComplete);
}
