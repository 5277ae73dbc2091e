using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>Get-AksKuredStatus: reads the DaemonSet, the nodes and the kured pods, and builds the status. Reads only.</summary>
public static class KuredStatusReader
{
    public static async Task<KuredStatus> ReadAsync(KubernetesTarget target, IOperationSink sink, CancellationToken ct)
    {
        await using var session = await KubernetesSession.OpenAsync(target, sink, ct).ConfigureAwait(false);
        return await ReadAsync(session, ct).ConfigureAwait(false);
    }

    public static async Task<KuredStatus> ReadAsync(KubernetesSession session, CancellationToken ct)
    {
        var objects = session.Objects;
        var daemonSet = await objects.GetAsync("apps/v1", "DaemonSet", KuredManifest.Namespace, KuredManifest.DaemonSetName, ct).ConfigureAwait(false);
        if (daemonSet is null)
        {
            return KuredStatusBuilder.Build(session.ClusterName, null, Array.Empty<JsonObject>(), Array.Empty<JsonObject>(), DateTimeOffset.UtcNow);
        }

        var nodes = await objects.ListAsync("v1", "Node", null, null, ct).ConfigureAwait(false);
        var pods = await objects.ListAsync("v1", "Pod", KuredManifest.Namespace, PodSelector(daemonSet), ct).ConfigureAwait(false);
        return KuredStatusBuilder.Build(session.ClusterName, daemonSet, nodes, pods, DateTimeOffset.UtcNow);
    }

    /// <summary>The DaemonSet's own matchLabels as a selector, so only its pods are read.</summary>
    private static string? PodSelector(JsonObject daemonSet) =>
        daemonSet["spec"]?["selector"]?["matchLabels"] is JsonObject labels && labels.Count > 0
            ? string.Join(",", labels.Select(l => $"{l.Key}={l.Value?.GetValue<string>()}"))
            : null;
}
