using System.Collections.Concurrent;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Defender;

namespace AksSecurity.Engine.Checks;

/// <summary>The subscription's Defender for Containers plan, read beside the cluster online.</summary>
public sealed partial class ClusterEvidence
{
    /// <summary>Null when not read (offline, not readable, or ARM has none): the plan checks do not run.</summary>
    public DefenderForContainersPlan? DefenderPlan { get; set; }
}

/// <summary>
/// Reads the plan of the cluster's subscription (GET /subscriptions/{sub}/providers/Microsoft.Security/pricings/Containers),
/// once per subscription even when clusters are audited concurrently (Test-AksSecurity -All).
/// </summary>
public sealed class DefenderPlanReader : IEvidenceReader
{
    private readonly ConcurrentDictionary<string, Lazy<Task<DefenderForContainersPlan?>>> _bySubscription = new(StringComparer.OrdinalIgnoreCase);

    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
    {
        var subscription = evidence.View.SubscriptionId;
        var read = _bySubscription.GetOrAdd(subscription, s => new Lazy<Task<DefenderForContainersPlan?>>(() => ReadPlanAsync(arm, s, sink, cancellationToken)));
        try
        {
            evidence.DefenderPlan = await read.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed read is not kept: the next cluster tries again.
            _bySubscription.TryRemove(new KeyValuePair<string, Lazy<Task<DefenderForContainersPlan?>>>(subscription, read));
            throw;
        }
    }

    private static async Task<DefenderForContainersPlan?> ReadPlanAsync(ArmResources arm, string subscription, IOperationSink sink, CancellationToken cancellationToken)
    {
        try
        {
            return await DefenderForContainersPlan.ReadAsync(arm, subscription, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (AksSecurityException ex) when (ex.Kind == AksErrorKind.PermissionDenied)
        {
            sink.Warning($"The Defender for Containers plan of subscription {subscription} could not be read, so the plan checks do not run: {ex.Message}");
            return null;
        }
    }
}
