using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// What the checks read about one cluster: its document, and — online — the resources beside it. Each area adds
/// its own evidence in a partial part of this class, filled by its own <see cref="IEvidenceReader"/>. Offline, only
/// the document is there and checks that need more are not run.
/// </summary>
public sealed partial class ClusterEvidence
{
    public ClusterEvidence(ManagedClusterDocument cluster, bool online)
    {
        Cluster = cluster;
        Online = online;
    }

    public ManagedClusterDocument Cluster { get; }

    public ManagedClusterView View => Cluster.View;

    /// <summary>True when the evidence was read from ARM, so the resources beside the cluster could be read too.</summary>
    public bool Online { get; }
}

/// <summary>Reads one kind of evidence beside the cluster (policy assignments, diagnostic settings, ...).</summary>
public interface IEvidenceReader
{
    Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken);
}

/// <summary>Reads a live cluster and the evidence its checks need.</summary>
public static class EvidenceCollector
{
    public static async Task<ClusterEvidence> CollectAsync(ArmConnection connection, ClusterResourceId id, IReadOnlyList<IEvidenceReader> readers,
        IOperationSink sink, CancellationToken cancellationToken)
    {
        var document = await new ManagedClusterClient(connection).GetAsync(id, sink, cancellationToken).ConfigureAwait(false);
        var evidence = new ClusterEvidence(document, online: true);
        var arm = new ArmResources(connection);
        foreach (var reader in readers)
        {
            await reader.ReadAsync(arm, evidence, sink, cancellationToken).ConfigureAwait(false);
        }

        return evidence;
    }
}
