using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Completers;

/// <summary>
/// Names for tab completion, kept for a minute so pressing Tab twice does not call ARM twice. Completion only uses an
/// existing connection and gives up after a few seconds: it must never prompt for a login or hang the prompt.
/// </summary>
internal static class CompletionCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private static readonly object Gate = new();
    private static readonly Dictionary<string, (DateTimeOffset At, IReadOnlyList<AksCluster> Clusters)> Clusters = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, (DateTimeOffset At, IReadOnlyList<string> Groups)> Groups = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, (ArmConnection? Connection, DateTimeOffset At, IReadOnlyList<string> Names)> ClusterNames = new(StringComparer.Ordinal);
    private static (ArmConnection Connection, DateTimeOffset At, IReadOnlyList<ArmConnection.Subscription> List)? _subscriptions;

    public static void Clear()
    {
        lock (Gate)
        {
            Clusters.Clear();
            Groups.Clear();
            ClusterNames.Clear();
            _subscriptions = null;
        }
    }

    public static void Remember(string subscription, IReadOnlyList<AksCluster> clusters)
    {
        lock (Gate)
        {
            Clusters[subscription] = (DateTimeOffset.UtcNow, clusters);
        }
    }

    public static IReadOnlyList<AksCluster> ClustersOf(string? subscription)
    {
        var connection = AksSession.Current;
        subscription ??= connection?.SubscriptionId;
        if (connection is null || subscription is null)
        {
            return Array.Empty<AksCluster>();
        }

        lock (Gate)
        {
            if (Clusters.TryGetValue(subscription, out var hit) && DateTimeOffset.UtcNow - hit.At < Lifetime)
            {
                return hit.Clusters;
            }
        }

        var list = Fetch(async token =>
        {
            var found = new List<AksCluster>();
            await foreach (var document in new ManagedClusterClient(connection).ListAsync(subscription, null, NullOperationSink.Instance, token).ConfigureAwait(false))
            {
                found.Add(document.ToAksCluster());
            }

            return (IReadOnlyList<AksCluster>)found;
        });
        if (list is not null)
        {
            Remember(subscription, list);
        }

        return list ?? Array.Empty<AksCluster>();
    }

    public static IReadOnlyList<string> ResourceGroupsOf(string? subscription)
    {
        var connection = AksSession.Current;
        subscription ??= connection?.SubscriptionId;
        if (connection is null || subscription is null)
        {
            return Array.Empty<string>();
        }

        lock (Gate)
        {
            if (Groups.TryGetValue(subscription, out var hit) && DateTimeOffset.UtcNow - hit.At < Lifetime)
            {
                return hit.Groups;
            }
        }

        var groups = Fetch(token => new ManagedClusterClient(connection).ListResourceGroupNamesAsync(subscription, NullOperationSink.Instance, token));
        if (groups is not null)
        {
            lock (Gate)
            {
                Groups[subscription] = (DateTimeOffset.UtcNow, groups);
            }
        }

        return groups ?? Array.Empty<string>();
    }

    /// <summary>The subscriptions the current connection can see (kept per connection: another sign-in sees others).</summary>
    public static IReadOnlyList<ArmConnection.Subscription> Subscriptions()
    {
        if (AksSession.Current is not { } connection)
        {
            return Array.Empty<ArmConnection.Subscription>();
        }

        lock (Gate)
        {
            if (_subscriptions is { } hit && ReferenceEquals(hit.Connection, connection) && DateTimeOffset.UtcNow - hit.At < Lifetime)
            {
                return hit.List;
            }
        }

        var list = Fetch(token => connection.ListSubscriptionsAsync(NullOperationSink.Instance, token));
        if (list is not null)
        {
            lock (Gate)
            {
                _subscriptions = (connection, DateTimeOffset.UtcNow, list);
            }
        }

        return list ?? Array.Empty<ArmConnection.Subscription>();
    }

    /// <summary>
    /// Names inside a cluster (namespaces, nodes) under <paramref name="key"/>, which names the cluster and what is listed;
    /// kept per connection, since another sign-in may see another cluster behind the same name.
    /// </summary>
    public static IReadOnlyList<string> InCluster(string key, ArmConnection? connection, Func<CancellationToken, Task<IReadOnlyList<string>>> list)
    {
        lock (Gate)
        {
            if (ClusterNames.TryGetValue(key, out var hit) && ReferenceEquals(hit.Connection, connection) && DateTimeOffset.UtcNow - hit.At < Lifetime)
            {
                return hit.Names;
            }
        }

        var names = Fetch(list);
        if (names is not null)
        {
            lock (Gate)
            {
                ClusterNames[key] = (connection, DateTimeOffset.UtcNow, names);
            }
        }

        return names ?? Array.Empty<string>();
    }

    private static T? Fetch<T>(Func<CancellationToken, Task<T>> fetch) where T : class
    {
        var cancel = new CancellationTokenSource(Budget);
        var work = Task.Run(() => fetch(cancel.Token));
        // The source outlives a wait that gave up, until the work has seen the cancellation; its failure is observed there.
        work.ContinueWith(done => { cancel.Dispose(); _ = done.Exception; }, TaskScheduler.Default);
        try
        {
            // Waited for by the clock too: a step that does not watch the token (a DNS lookup, a TCP connect) must not hold the prompt.
            return work.Wait(Budget + TimeSpan.FromMilliseconds(250)) ? work.Result : null;
        }
        catch (Exception)
        {
            // Completion is a convenience: any failure just means no suggestions.
            return null;
        }
    }
}
