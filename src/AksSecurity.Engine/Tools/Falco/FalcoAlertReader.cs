using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Falco;

/// <summary>
/// Get-AksFalcoAlert: the alerts in the logs of our DaemonSet's pods (label selector <see cref="FalcoManifests.PodSelector"/>),
/// each tagged with the node its pod runs on. Read once, the alerts of every pod come sorted by time; followed, they come
/// as each pod writes them, until the token is cancelled.
/// </summary>
public static class FalcoAlertReader
{
    private sealed record FalcoPod(string Name, string? Node);

    /// <summary>Opens a session to the target and reads (or follows) its alerts; the session closes when the enumeration ends.</summary>
    public static async IAsyncEnumerable<FalcoAlert> ReadAsync(KubernetesTarget target, FalcoAlertQuery query, bool follow, IOperationSink sink,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var session = await KubernetesSession.OpenAsync(target, sink, cancellationToken).ConfigureAwait(false);
        await foreach (var alert in ReadAsync(session, query, follow, sink, cancellationToken).ConfigureAwait(false))
        {
            yield return alert;
        }
    }

    public static async IAsyncEnumerable<FalcoAlert> ReadAsync(KubernetesSession session, FalcoAlertQuery query, bool follow, IOperationSink sink,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pods = await ListPodsAsync(session, query, sink, cancellationToken).ConfigureAwait(false);
        if (!follow)
        {
            var logs = await Task.WhenAll(pods.Select(pod => ReadPodAsync(session, query, pod, sink, cancellationToken))).ConfigureAwait(false);
            foreach (var alert in logs.SelectMany(a => a).OrderBy(a => a.Time))
            {
                yield return alert;
            }

            yield break;
        }

        await foreach (var alert in FollowAsync(session, query, pods, sink, cancellationToken).ConfigureAwait(false))
        {
            yield return alert;
        }
    }

    /// <summary>Our DaemonSet's pods whose containers have started; a Pending pod has no log yet and is only named in a warning.</summary>
    private static async Task<IReadOnlyList<FalcoPod>> ListPodsAsync(KubernetesSession session, FalcoAlertQuery query, IOperationSink sink, CancellationToken cancellationToken)
    {
        var pods = await session.Objects.ListAsync("v1", "Pod", query.Namespace, FalcoManifests.PodSelector, cancellationToken).ConfigureAwait(false);
        if (pods.Count == 0)
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound,
                $"No Falco pods (label {FalcoManifests.PodSelector}) in namespace '{query.Namespace}' of {session.ClusterName}. Install Falco with Install-AksFalco, or name its namespace with -Namespace.",
                query.Namespace);
        }

        var started = new List<FalcoPod>();
        foreach (var pod in pods)
        {
            var falcoPod = new FalcoPod(pod["metadata"]!["name"]!.GetValue<string>(), pod["spec"]?["nodeName"]?.GetValue<string>());
            if (pod["status"]?["phase"]?.GetValue<string>() == "Pending")
            {
                sink.Warning($"Falco pod {falcoPod.Name} on {falcoPod.Node ?? "(no node yet)"} is Pending: it has no log to read yet, so the alerts of that node are missing.");
                continue;
            }

            started.Add(falcoPod);
        }

        return started.Count > 0
            ? started
            : throw new AksSecurityException(AksErrorKind.ObjectNotFound,
                $"Every Falco pod in namespace '{query.Namespace}' of {session.ClusterName} is Pending, so there is no log to read yet. Look at the pods' events (kubectl describe pods -n {query.Namespace}).",
                query.Namespace);
    }

    private static async Task<IReadOnlyList<FalcoAlert>> ReadPodAsync(KubernetesSession session, FalcoAlertQuery query, FalcoPod pod, IOperationSink sink,
        CancellationToken cancellationToken)
    {
        var text = await session.Objects.ReadLogAsync(query.Namespace, pod.Name, FalcoManifests.FalcoContainer, query.Since, null, cancellationToken).ConfigureAwait(false);
        var alerts = new List<FalcoAlert>();
        int lines = 0, skipped = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line == "\r")
            {
                continue;
            }

            lines++;
            if (FalcoAlertParser.TryParse(line, pod.Node, pod.Name) is { } alert)
            {
                if (query.Matches(alert))
                {
                    alerts.Add(alert);
                }
            }
            else
            {
                skipped++;
            }
        }

        sink.Verbose($"{pod.Name} on {pod.Node ?? "(no node)"}: {lines} log line(s), {lines - skipped} alert(s) of which {alerts.Count} match, {skipped} line(s) skipped (not JSON alerts).");
        return alerts;
    }

    /// <summary>Every pod's log followed at once, merged in arrival order; one pod's failure ends the whole stream.</summary>
    private static async IAsyncEnumerable<FalcoAlert> FollowAsync(KubernetesSession session, FalcoAlertQuery query, IReadOnlyList<FalcoPod> pods, IOperationSink sink,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var merged = Channel.CreateUnbounded<FalcoAlert>(new UnboundedChannelOptions { SingleReader = true });
        sink.Verbose($"Following {pods.Count} Falco pod(s): {string.Join(", ", pods.Select(p => $"{p.Name} on {p.Node}"))}. Ctrl+C stops.");
        var readers = pods.Select(pod => Task.Run(async () =>
        {
            await foreach (var line in session.Objects.FollowLogAsync(query.Namespace, pod.Name, FalcoManifests.FalcoContainer, query.Since, stop.Token).ConfigureAwait(false))
            {
                if (FalcoAlertParser.TryParse(line, pod.Node, pod.Name) is { } alert)
                {
                    if (query.Matches(alert))
                    {
                        await merged.Writer.WriteAsync(alert, stop.Token).ConfigureAwait(false);
                    }
                }
                else if (line.Trim().Length > 0)
                {
                    sink.Verbose($"{pod.Name}: skipped a line that is not a JSON alert: {(line.Length > 120 ? line[..120] + "…" : line)}");
                }
            }
        }, stop.Token)).ToList();
        var all = Task.WhenAll(readers).ContinueWith(t => merged.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);

        try
        {
            await foreach (var alert in merged.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return alert;
            }
        }
        finally
        {
            stop.Cancel();
            await all.ConfigureAwait(false);
        }
    }
}
