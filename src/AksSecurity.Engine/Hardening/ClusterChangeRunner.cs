using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>Everything one change would do to one cluster: its field edits and its writes beside it.</summary>
public sealed class ControlPlan
{
    public ControlPlan(ManagedClusterDocument current, ChangePlan clusterPlan, IReadOnlyList<ResourceChange> resources)
    {
        Current = current;
        ClusterPlan = clusterPlan;
        Resources = resources;
    }

    public ManagedClusterDocument Current { get; }
    public ChangePlan ClusterPlan { get; }
    public IReadOnlyList<ResourceChange> Resources { get; }

    public bool IsEmpty => ClusterPlan.IsEmpty && Resources.Count == 0;

    public IReadOnlyList<string> Warnings => ClusterPlan.Warnings;

    /// <summary>One line per field, as -WhatIf shows it.</summary>
    public string Describe()
    {
        var lines = new List<string>();
        if (!ClusterPlan.IsEmpty)
        {
            lines.Add(ClusterPlan.Describe());
        }

        lines.AddRange(Resources.Select(r => r.Describe()));
        return lines.Count == 0 ? "no change" : string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Read–plan–apply for one control on one cluster: the cluster document through If-Match, then the resources beside it.</summary>
public sealed class ClusterChangeRunner
{
    private readonly ManagedClusterClient _clusters;
    private readonly ArmResources _resources;

    public ClusterChangeRunner(ArmConnection connection)
    {
        _clusters = new ManagedClusterClient(connection);
        _resources = new ArmResources(connection);
    }

    public async Task<ControlPlan> PlanAsync(ClusterResourceId id, IClusterChange change, IOperationSink sink, CancellationToken cancellationToken)
    {
        var current = await _clusters.GetAsync(id, sink, cancellationToken).ConfigureAwait(false);
        var clusterPlan = change.Plan(current);
        var resources = await change.PlanResourcesAsync(_resources, current, clusterPlan, sink, cancellationToken).ConfigureAwait(false);
        return new ControlPlan(current, clusterPlan, resources);
    }

    public async Task<ApplyResult> ApplyAsync(ControlPlan plan, IClusterChange change, IOperationSink sink, CancellationToken cancellationToken)
    {
        var changed = false;
        var cluster = plan.Current;
        if (!plan.ClusterPlan.IsEmpty)
        {
            var result = await _clusters.ApplyAsync(plan.Current, change, sink, cancellationToken).ConfigureAwait(false);
            changed = result.Changed;
            cluster = result.Cluster;
        }

        foreach (var write in plan.Resources)
        {
            sink.Verbose(write.Describe());
            if (write.IsDelete)
            {
                await _resources.DeleteAsync(write.ResourceId, write.ApiVersion, sink, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _resources.PutAsync(write.ResourceId, write.ApiVersion, write.After!, null, sink, cancellationToken).ConfigureAwait(false);
            }

            changed = true;
        }

        return new ApplyResult(changed, plan.ClusterPlan, cluster);
    }
}
