using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>What Set-AksUpgradePolicy was asked to do. Null members mean "leave as is".</summary>
public sealed class UpgradePolicyRequest
{
    /// <summary>rapid | stable | patch | node-image | none.</summary>
    public string? UpgradeChannel { get; init; }

    /// <summary>None | Unmanaged | NodeImage | SecurityPatch.</summary>
    public string? NodeOSUpgradeChannel { get; init; }

    /// <summary>The weekly window to give the schedules in <see cref="MaintenanceSchedules"/>.</summary>
    public MaintenanceWindowRequest? MaintenanceWindow { get; init; }

    /// <summary>AutoUpgrade and/or NodeOSUpgrade; both when empty.</summary>
    public IReadOnlyList<string> MaintenanceSchedules { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Auto-upgrade channels (properties.autoUpgradeProfile) and the AKS-managed planned-maintenance windows beside the
/// cluster. Values and paths verified in stable/2026-08-01/managedClusters.json (UpgradeChannel, NodeOSUpgradeChannel,
/// ManagedClusterAutoUpgradeProfile; commit 10c88683).
/// </summary>
public sealed class UpgradePolicyChange : IClusterChange
{
    public static readonly IReadOnlyList<string> UpgradeChannels = new[] { "rapid", "stable", "patch", "node-image", "none" };
    public static readonly IReadOnlyList<string> NodeOSUpgradeChannels = new[] { "None", "Unmanaged", "NodeImage", "SecurityPatch" };

    private readonly string? _upgradeChannel;
    private readonly string? _nodeOSUpgradeChannel;
    private readonly WeeklyMaintenanceWindow? _window;
    private readonly IReadOnlyList<MaintenanceSchedule> _schedules;

    /// <summary>Validates everything that can be checked without the cluster; throws InvalidArgument before anything is sent.</summary>
    public UpgradePolicyChange(UpgradePolicyRequest request)
    {
        _upgradeChannel = request.UpgradeChannel is null ? null : Canonical(request.UpgradeChannel, UpgradeChannels, "UpgradeChannel");
        _nodeOSUpgradeChannel = request.NodeOSUpgradeChannel is null ? null : Canonical(request.NodeOSUpgradeChannel, NodeOSUpgradeChannels, "NodeOSUpgradeChannel");
        _window = request.MaintenanceWindow is null ? null : new WeeklyMaintenanceWindow(request.MaintenanceWindow);
        if (request.MaintenanceSchedules.Count > 0 && _window is null)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "-MaintenanceSchedule says which schedules get the window: give the window too (-MaintenanceDay and -MaintenanceStartTime).", "MaintenanceSchedule");
        }

        _schedules = request.MaintenanceSchedules.Count == 0
            ? MaintenanceSchedule.All
            : request.MaintenanceSchedules.Select(MaintenanceSchedule.Parse).Distinct().ToArray();

        if (_upgradeChannel == "node-image" && _nodeOSUpgradeChannel is not null && _nodeOSUpgradeChannel != "NodeImage")
        {
            throw NodeImageConflict(_nodeOSUpgradeChannel);
        }

        if (_upgradeChannel is null && _nodeOSUpgradeChannel is null && _window is null)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "Nothing to change: give -UpgradeChannel, -NodeOSUpgradeChannel, or a maintenance window (-MaintenanceDay and -MaintenanceStartTime).");
        }
    }

    public string Action => "Set upgrade policy";

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();
        var upgradeChannel = _upgradeChannel ?? view.EffectiveUpgradeChannel;
        var nodeOSChannel = _nodeOSUpgradeChannel ?? view.EffectiveNodeOSUpgradeChannel;

        if (upgradeChannel.Equals("node-image", StringComparison.OrdinalIgnoreCase) && !nodeOSChannel.Equals("NodeImage", StringComparison.OrdinalIgnoreCase))
        {
            if (_nodeOSUpgradeChannel is not null)
            {
                throw NodeImageConflict(_nodeOSUpgradeChannel);
            }

            // The service forces NodeImage with the node-image channel; write it so the plan shows what will happen.
            plan.Warnings.Add($"The node-image upgrade channel sets the node OS channel of '{view.Name}' from {nodeOSChannel} to NodeImage.");
            nodeOSChannel = "NodeImage";
        }

        // Absent means the service's default, so asking for the default where the field is absent is no change.
        SetChannel(current, plan, ManagedClusterView.UpgradeChannelPath, view.UpgradeChannel, ManagedClusterView.DefaultUpgradeChannel, upgradeChannel);
        SetChannel(current, plan, ManagedClusterView.NodeOSUpgradeChannelPath, view.NodeOSUpgradeChannel, ManagedClusterView.DefaultNodeOSUpgradeChannel, nodeOSChannel);

        if (_upgradeChannel == "node-image")
        {
            plan.Warnings.Add("The node-image upgrade channel upgrades node images only, never Kubernetes: prefer -UpgradeChannel patch or stable with -NodeOSUpgradeChannel NodeImage.");
        }

        if (_upgradeChannel == "none")
        {
            plan.Warnings.Add($"With upgrade channel none, '{view.Name}' stays on its Kubernetes version until someone upgrades it, and falls out of support in time.");
        }

        if (_nodeOSUpgradeChannel == "Unmanaged")
        {
            plan.Warnings.Add($"Node OS channel Unmanaged: Linux nodes of '{view.Name}' install OS updates but do not reboot, so kernel fixes take effect only when something reboots them: run Kured (kured.dev) in the cluster. Windows nodes get no updates at all.");
        }

        if (_nodeOSUpgradeChannel == "None")
        {
            plan.Warnings.Add($"Node OS channel None: nothing patches the nodes of '{view.Name}'; you are responsible for every security update.");
        }

        if (_window is not null)
        {
            foreach (var schedule in _schedules)
            {
                var idle = schedule == MaintenanceSchedule.AutoUpgrade
                    ? upgradeChannel.Equals("none", StringComparison.OrdinalIgnoreCase)
                    : !schedule.AppliesTo(nodeOSChannel);
                if (idle)
                {
                    plan.Warnings.Add($"The {schedule.ConfigurationName} window is written but has no effect while {(schedule == MaintenanceSchedule.AutoUpgrade ? $"the upgrade channel is {upgradeChannel}" : $"the node OS channel is {nodeOSChannel}")}.");
                }
            }
        }

        return plan;
    }

    public async Task<IReadOnlyList<ResourceChange>> PlanResourcesAsync(ArmResources arm, ManagedClusterDocument current, ChangePlan clusterPlan,
        IOperationSink sink, CancellationToken cancellationToken)
    {
        if (_window is null)
        {
            return Array.Empty<ResourceChange>();
        }

        var writes = new List<ResourceChange>();
        foreach (var schedule in _schedules)
        {
            var id = schedule.ResourceId(current.View.Id);
            var existing = await arm.GetAsync(id, WeeklyMaintenanceWindow.MaintenanceConfigurationApiVersion, sink, cancellationToken).ConfigureAwait(false);
            if (_window.PlanWrite(current.View.Id, schedule, existing) is { } write)
            {
                writes.Add(write);
            }
        }

        return writes;
    }

    private static void SetChannel(ManagedClusterDocument current, ChangePlan plan, string path, string? written, string serviceDefault, string target)
    {
        if ((written ?? serviceDefault).Equals(target, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        plan.Set(current.Root, path, JsonValue.Create(target));
    }

    private static string Canonical(string value, IReadOnlyList<string> allowed, string parameter) =>
        allowed.FirstOrDefault(a => a.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{value}' is not a valid value: use one of {string.Join(", ", allowed)}.", parameter);

    private static AksSecurityException NodeImageConflict(string nodeOSChannel) =>
        new(AksErrorKind.InvalidArgument,
            $"The node-image upgrade channel requires the node OS channel NodeImage (AKS rejects {nodeOSChannel} with it). Use -UpgradeChannel patch or stable with -NodeOSUpgradeChannel {nodeOSChannel}, or -NodeOSUpgradeChannel NodeImage.",
            "NodeOSUpgradeChannel");
}
