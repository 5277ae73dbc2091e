using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Completers;

/// <summary>Completes a namespace parameter with the namespaces of the cluster the command line names.</summary>
public sealed class KubernetesNamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(KubernetesCompletion.Names(fakeBoundParameters, "namespaces", KubernetesNames.NamespacesAsync), wordToComplete);
}

/// <summary>Completes the namespace of a tool that gets a namespace of its own (Falco): the cluster's namespaces but Kubernetes' own.</summary>
public sealed class KubernetesInstallNamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(KubernetesCompletion.Names(fakeBoundParameters, "install-namespaces", KubernetesNames.InstallNamespacesAsync), wordToComplete);
}

/// <summary>Completes -NodeName with the Linux nodes of the cluster the command line names.</summary>
public sealed class KubernetesNodeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Completion.Matching(KubernetesCompletion.Names(fakeBoundParameters, "linux-nodes", KubernetesNames.LinuxNodesAsync), wordToComplete);
}

/// <summary>
/// The cluster a command line names, read from the parameters already typed: -KubeConfig (and -Context), -Id, or
/// -ResourceGroupName/-Name (and -SubscriptionId), with -Admin. Nothing when it cannot be known (no such parameters, a
/// value that is not text yet, no connection for a cluster from ARM, an unreadable kubeconfig).
/// </summary>
internal static class KubernetesCompletion
{
    public static IReadOnlyList<string> Names(IDictionary bound, string what, Func<KubernetesTarget, CancellationToken, Task<IReadOnlyList<string>>> list)
    {
        if (Target(bound) is not { } found)
        {
            return Array.Empty<string>();
        }

        return CompletionCache.InCluster($"{what}|{found.Key}", found.Connection, token => list(found.Target, token));
    }

    private static (KubernetesTarget Target, string Key, ArmConnection? Connection)? Target(IDictionary bound)
    {
        var connection = AksSession.Current;
        var admin = bound["Admin"] is SwitchParameter { IsPresent: true } or true;
        try
        {
            if (Text(bound, "KubeConfig") is { } kubeConfig)
            {
                if (Completion.ProviderPath(kubeConfig) is not { } path)
                {
                    return null;
                }

                var context = Text(bound, "Context");
                var target = KubernetesTarget.FromKubeConfig(path, context);
                if (target.NeedsAzureCredential)
                {
                    if (connection is null)
                    {
                        return null;
                    }

                    target = target.WithConnection(connection);
                }

                // The file's time is in the key, so a rewritten kubeconfig is not answered from the cache.
                return (target, $"file|{path}|{context}|{File.GetLastWriteTimeUtc(path):O}", target.NeedsAzureCredential ? connection : null);
            }

            if (connection is null)
            {
                return null;
            }

            ClusterResourceId? cluster = null;
            if (Text(bound, "Id") is { } id && ClusterResourceId.TryParse(id, out var parsed, out _))
            {
                cluster = parsed;
            }
            else if (Text(bound, "ResourceGroupName") is { } group && Text(bound, "Name") is { } name
                && (Completion.Subscription(bound) ?? connection.SubscriptionId) is { } subscription)
            {
                cluster = ClusterResourceId.Create(subscription, group, name);
            }

            return cluster is null ? null : (KubernetesTarget.FromCluster(connection, cluster, admin), $"arm|{cluster.Id}|{admin}", connection);
        }
        catch (Exception ex) when (ex is AksSecurityException or RuntimeException or IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static string? Text(IDictionary bound, string name) => bound[name] switch
    {
        string { Length: > 0 } s => s,
        PSObject { BaseObject: string { Length: > 0 } s } => s,
        _ => null,
    };
}
