using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AksSecurity.Completers;

/// <summary>Completes resource group names of the current (or -SubscriptionId) subscription.</summary>
public sealed class ResourceGroupCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(CompletionCache.ResourceGroupsOf(Completion.Subscription(fakeBoundParameters)), wordToComplete);
}

/// <summary>Completes cluster names, narrowed to -ResourceGroupName when it is already typed.</summary>
public sealed class ClusterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var group = fakeBoundParameters["ResourceGroupName"] as string;
        var names = CompletionCache.ClustersOf(Completion.Subscription(fakeBoundParameters))
            .Where(c => group is null || string.Equals(c.ResourceGroupName, group, StringComparison.OrdinalIgnoreCase))
            .Select(c => c.Name);
        return Completion.Matching(names, wordToComplete);
    }
}

/// <summary>
/// Completes subscription ids of the current connection; the word may be the start of the id or of the display name, and
/// the list shows "name (id)".
/// </summary>
public sealed class SubscriptionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete.Trim('\'', '"');
        return CompletionCache.Subscriptions()
            .Where(s => s.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
            .Select(s => new CompletionResult(s.Id, $"{s.Name} ({s.Id})", CompletionResultType.ParameterValue, $"{s.Name} ({s.Id}, {s.State})"));
    }
}

internal static class Completion
{
    /// <summary>
    /// A path as the command line means it (relative to PowerShell's current location, which is not the process's; ~ and
    /// PSDrives resolved), or null. Runspace.DefaultRunspace.SessionStateProxy.Path is null while the runspace runs the
    /// completion (a running pipeline), so the path is resolved in a nested pipeline of the current runspace.
    /// </summary>
    public static string? ProviderPath(string path)
    {
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddScript("param($path) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($path)").AddArgument(path);
            return shell.Invoke<string>().FirstOrDefault();
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    public static string? Subscription(IDictionary bound) => bound["SubscriptionId"] switch
    {
        string s => s,
        object[] { Length: > 0 } many => many[0]?.ToString(),
        _ => null,
    };

    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string word)
    {
        var prefix = word.Trim('\'', '"');
        return names.Distinct(StringComparer.OrdinalIgnoreCase)
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
            .Select(n => new CompletionResult(n.Contains(' ') ? $"'{n}'" : n, n, CompletionResultType.ParameterValue, n));
    }
}
