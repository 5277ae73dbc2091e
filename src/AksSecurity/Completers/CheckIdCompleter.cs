using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AksSecurity.Engine.Checks;

namespace AksSecurity.Completers;

/// <summary>Completes check ids from the catalogue (prefix or wildcard), showing each check's title.</summary>
public sealed class CheckIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        var pattern = Wildcard.HasWildcards(word) ? word : word + "*";
        return CheckCatalog.All
            .Where(c => Wildcard.IsMatch(c.Id, pattern))
            .Select(c => new CompletionResult(c.Id, c.Id, CompletionResultType.ParameterValue, $"{c.Id} [{c.Severity}] {c.Title}"));
    }
}
