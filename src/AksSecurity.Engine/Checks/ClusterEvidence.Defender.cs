using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Defender;

namespace AksSecurity.Engine.Checks;

/// <summary>The subscription's Defender for Containers plan, read beside the cluster online.</summary>
public sealed partial class ClusterEvidence
{
    /// <summary>Null when not read (offline, not readable, or ARM has none): the plan checks do not run.</summary>
    public DefenderForContainersPlan? DefenderPlan { get; set; }
}

/// <summary>Reads the plan of the cluster's subscription (GET /subscriptions/{sub}/providers/Microsoft.Security/pricings/Containers).</summary>
public sealed class DefenderPlanReader : IEvidenceReader
{
    private readonly Dictionary<string, DefenderForContainersPlan?> _bySubscription = new(StringComparer.OrdinalIgnoreCase);

    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
    {
        var subscription = evidence.View.SubscriptionId;
        if (!_bySubscription.TryGetValue(subscription, out var plan))
        {
            try
            {
                plan = await DefenderForContainersPlan.ReadAsync(arm, subscription, sink, cancellationToken).ConfigureAwait(false);
            }
            catch (AksSecurityException ex) when (ex.Kind == AksErrorKind.PermissionDenied)
            {
                sink.Warning($"The Defender for Containers plan of subscription {subscription} could not be read, so the plan checks do not run: {ex.Message}");
            }

            _bySubscription[subscription] = plan;
        }

        evidence.DefenderPlan = plan;
    }
}
