using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AksSecurity.Engine.Policy;

namespace AksSecurity.Completers;

/// <summary>Completes -Effect. Not a ValidateSet: the value is checked against the initiative's own allowed values, with a clear error.</summary>
public sealed class PolicyEffectCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(new[] { "Audit", "Deny", "Disabled" }, wordToComplete);
}

/// <summary>Completes Linux capability names as Kubernetes spells them.</summary>
public sealed class CapabilityCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(KubernetesNames.LinuxCapabilities, wordToComplete);
}
