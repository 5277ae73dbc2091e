using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// A hardening control's change: given the freshly read cluster, the field edits that make it as asked (empty when it
/// already is), and any writes to resources beside it. Guards throw <see cref="AksSecurityException"/> before anything
/// is sent. Plan must be repeatable: after a 412 the cluster is read again and planned again.
/// </summary>
public interface IClusterChange
{
    /// <summary>What the change does, for -WhatIf and progress ("Set API server access").</summary>
    string Action { get; }

    ChangePlan Plan(ManagedClusterDocument current);

    /// <summary>
    /// Writes to resources beside the cluster (policy assignments, diagnostic settings, ...), planned after reading
    /// them; empty when they are already as asked. Warnings go to <paramref name="clusterPlan"/>.
    /// </summary>
    Task<IReadOnlyList<ResourceChange>> PlanResourcesAsync(ArmResources arm, ManagedClusterDocument current, ChangePlan clusterPlan,
        IOperationSink sink, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ResourceChange>>(Array.Empty<ResourceChange>());
}
