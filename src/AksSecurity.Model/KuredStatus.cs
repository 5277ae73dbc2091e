namespace AksSecurity;

/// <summary>
/// Kured on one cluster as the Kubernetes API shows it (Get-AksKuredStatus): the DaemonSet's rollout, its schedule,
/// the reboot lock on the DaemonSet, and one entry per node. What kured keeps to itself (whether a node's sentinel file
/// exists outside the reboot window) is not visible through the API and so is not here.
/// </summary>
public sealed class KuredStatus
{
    public required string Cluster { get; init; }
    public string Namespace { get; init; } = "kube-system";
    public string DaemonSetName { get; init; } = "kured";

    /// <summary>False when the DaemonSet does not exist; every other member is then empty.</summary>
    public bool Installed { get; init; }

    /// <summary>True when the DaemonSet carries this module's ownership labels (installed by Install-AksKured).</summary>
    public bool ManagedByAksSecurity { get; init; }

    public string? Image { get; init; }

    public int DesiredNumberScheduled { get; init; }
    public int NumberReady { get; init; }
    public int UpdatedNumberScheduled { get; init; }
    public int NumberAvailable { get; init; }

    /// <summary>The DaemonSet controller has seen the current spec (status.observedGeneration at least metadata.generation), so the counts are current.</summary>
    public bool RolloutObserved { get; init; } = true;

    /// <summary>Installed, the counts are current, at least one pod is wanted, and every desired pod is ready, updated to the current template and available.</summary>
    public bool Healthy => Installed
        && RolloutObserved
        && DesiredNumberScheduled > 0
        && NumberReady == DesiredNumberScheduled
        && UpdatedNumberScheduled == DesiredNumberScheduled
        && NumberAvailable == DesiredNumberScheduled;

    /// <summary>The reboot window as configured, e.g. "mo,tu,we,th,fr 22:00-04:00 Europe/Berlin".</summary>
    public string? Schedule { get; init; }

    /// <summary>How often each kured pod checks its node's sentinel, as configured (kured's default 1h when unset).</summary>
    public string? Period { get; init; }

    /// <summary>
    /// kured runs with --annotate-nodes (Install-AksKured always sets it). Without it, nodes waiting for or in a reboot
    /// are not marked on the node objects, so <see cref="NodesWaitingForReboot"/> cannot be known.
    /// </summary>
    public bool NodeAnnotationsEnabled { get; init; }

    /// <summary>The DaemonSet annotation that holds the reboot lock.</summary>
    public string LockAnnotation { get; init; } = "weave.works/kured-node-lock";

    /// <summary>How many nodes may hold the lock at once when the lock is in its multi-owner form (concurrency above 1); null otherwise.</summary>
    public int? MaxLockOwners { get; init; }

    /// <summary>The nodes that hold the lock now (expired entries included, marked as such).</summary>
    public IReadOnlyList<KuredLockHolder> LockHolders { get; init; } = Array.Empty<KuredLockHolder>();

    /// <summary>Set when the lock annotation could not be read; the text says why.</summary>
    public string? LockError { get; init; }

    public IReadOnlyList<KuredNodeStatus> Nodes { get; init; } = Array.Empty<KuredNodeStatus>();

    /// <summary>Nodes that kured marked as needing a reboot that has not finished yet (in the window, not blocked, waiting for the lock or rebooting).</summary>
    public IReadOnlyList<string> NodesWaitingForReboot => Nodes.Where(n => n.RebootInProgress).Select(n => n.NodeName).ToArray();

    /// <summary>Nodes whose last kured reboot has finished, most recent first.</summary>
    public IReadOnlyList<KuredNodeStatus> LastReboots => Nodes
        .Where(n => !n.RebootInProgress && n.MostRecentRebootNeeded is not null)
        .OrderByDescending(n => n.MostRecentRebootNeeded)
        .ToArray();

    public override string ToString() => Installed
        ? $"{Cluster}: kured {NumberReady}/{DesiredNumberScheduled} ready, {NodesWaitingForReboot.Count} node(s) waiting for reboot, lock {(LockHolders.Count == 0 ? "free" : string.Join(", ", LockHolders.Select(h => h.NodeName)))}"
        : $"{Cluster}: kured not installed";
}

/// <summary>One node's entry in the reboot lock (the JSON in the DaemonSet's lock annotation).</summary>
public sealed class KuredLockHolder
{
    public required string Cluster { get; init; }
    public required string NodeName { get; init; }

    /// <summary>When the node took the lock.</summary>
    public DateTimeOffset? Acquired { get; init; }

    /// <summary>The lock's time to live; null when it never expires.</summary>
    public TimeSpan? Ttl { get; init; }

    public DateTimeOffset? ExpiresAt => Acquired is { } acquired && Ttl is { } ttl ? acquired + ttl : null;

    /// <summary>The TTL has passed: another node may take the lock.</summary>
    public bool Expired { get; init; }

    /// <summary>The node was already cordoned before kured drained it, so kured leaves it cordoned after the reboot.</summary>
    public bool WasUnschedulable { get; init; }

    public override string ToString() => NodeName;
}

/// <summary>One node as kured shows it through the API.</summary>
public sealed class KuredNodeStatus
{
    public required string Cluster { get; init; }
    public required string NodeName { get; init; }

    /// <summary>kured marked the node (weave.works/kured-reboot-in-progress): it needs a reboot and kured is waiting for the lock, draining or rebooting it.</summary>
    public bool RebootInProgress { get; init; }

    /// <summary>When kured marked the reboot in progress.</summary>
    public DateTimeOffset? RebootInProgressSince { get; init; }

    /// <summary>The last time kured found the node needing a reboot (weave.works/kured-most-recent-reboot-needed); once the reboot finished, the time of the last kured reboot.</summary>
    public DateTimeOffset? MostRecentRebootNeeded { get; init; }

    /// <summary>The node holds the reboot lock.</summary>
    public bool HoldsLock { get; init; }

    /// <summary>spec.unschedulable: cordoned, by kured while it drains or by someone else.</summary>
    public bool Cordoned { get; init; }

    /// <summary>The node's Ready condition; null when the node reports none.</summary>
    public bool? NodeReady { get; init; }

    /// <summary>The kured pod on this node; null when none runs there.</summary>
    public string? KuredPod { get; init; }

    public bool KuredPodReady { get; init; }

    public override string ToString() => NodeName;
}
