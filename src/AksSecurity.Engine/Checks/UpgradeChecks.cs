using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Checks of how a cluster keeps up with Kubernetes and node OS updates. The maintenance-window and supported-version
/// checks need resources beside the cluster; offline they are not run.
/// </summary>
public static class UpgradeChecks
{
    public const string NoUpgradeChannel = "AKS-UPG-001";
    public const string NodeOSChannelUnpatched = "AKS-UPG-002";
    public const string NoMaintenanceWindow = "AKS-UPG-003";
    public const string UnsupportedVersion = "AKS-UPG-004";
    public const string NodePoolVersionSkew = "AKS-UPG-005";

    public static ClusterTestResult Evaluate(ManagedClusterDocument document) => Evaluate(new ClusterEvidence(document, online: false));

    public static ClusterTestResult Evaluate(ClusterEvidence evidence)
    {
        var run = new CheckRun(evidence);
        var view = run.View;
        CheckUpgradeChannel(run, view);
        CheckNodeOSChannel(run, view);
        if (evidence.MaintenanceConfigurations is { } configurations)
        {
            CheckMaintenanceWindows(run, view, configurations);
        }

        if (evidence.SupportedKubernetesVersions is { } catalog)
        {
            CheckSupportedVersion(run, view, catalog);
        }

        CheckNodePoolVersions(run, view);
        return run.Result();
    }

    private static void CheckUpgradeChannel(CheckRun run, ManagedClusterView view)
    {
        run.Ran(NoUpgradeChannel);
        var channel = view.EffectiveUpgradeChannel;
        var setChannel = $"Set-AksUpgradePolicy -Id '{view.Id}' -UpgradeChannel patch (or stable)";
        if (channel.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(NoUpgradeChannel, Severity.Medium, "Kubernetes is not upgraded automatically",
                $"{ManagedClusterView.UpgradeChannelPath} is {Shown(view.UpgradeChannel)}: the control plane and node pools stay on their version until someone upgrades them, missing Kubernetes security patches.",
                setChannel, ManagedClusterView.UpgradeChannelPath);
        }
        else if (channel.Equals("node-image", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(NoUpgradeChannel, Severity.Low, "Kubernetes is not upgraded automatically",
                $"{ManagedClusterView.UpgradeChannelPath} is \"node-image\": it upgrades node images only, never the Kubernetes version.",
                $"{setChannel} -NodeOSUpgradeChannel NodeImage", ManagedClusterView.UpgradeChannelPath);
        }
    }

    private static void CheckNodeOSChannel(CheckRun run, ManagedClusterView view)
    {
        run.Ran(NodeOSChannelUnpatched);
        var channel = view.EffectiveNodeOSUpgradeChannel;
        var fix = $"Set-AksUpgradePolicy -Id '{view.Id}' -NodeOSUpgradeChannel NodeImage (or SecurityPatch)";
        if (channel.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(NodeOSChannelUnpatched, Severity.High, "Node OS security updates are off",
                $"{ManagedClusterView.NodeOSUpgradeChannelPath} is \"{channel}\": neither AKS nor the OS patches the nodes; you are responsible for every security update.",
                fix, ManagedClusterView.NodeOSUpgradeChannelPath);
        }
        else if (channel.Equals("Unmanaged", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(NodeOSChannelUnpatched, Severity.Medium, "Node OS updates are unmanaged",
                $"{ManagedClusterView.NodeOSUpgradeChannelPath} is \"{channel}\": Linux nodes install OS updates themselves but do not reboot, so kernel fixes take effect only if something like Kured reboots the nodes; Windows nodes get no updates at all.",
                $"{fix}, or run Kured (kured.dev) in the cluster to reboot nodes after updates", ManagedClusterView.NodeOSUpgradeChannelPath);
        }
    }

    private static void CheckMaintenanceWindows(CheckRun run, ManagedClusterView view, IReadOnlyList<MaintenanceConfigurationInfo> configurations)
    {
        run.Ran(NoMaintenanceWindow);
        var missing = new List<string>();
        if (!view.EffectiveUpgradeChannel.Equals("none", StringComparison.OrdinalIgnoreCase) && !HasWindow(configurations, MaintenanceSchedule.AutoUpgrade))
        {
            missing.Add(MaintenanceSchedule.AutoUpgrade.ConfigurationName);
        }

        if (MaintenanceSchedule.NodeOSUpgrade.AppliesTo(view.EffectiveNodeOSUpgradeChannel) && !HasWindow(configurations, MaintenanceSchedule.NodeOSUpgrade))
        {
            missing.Add(MaintenanceSchedule.NodeOSUpgrade.ConfigurationName);
        }

        if (missing.Count > 0)
        {
            var present = configurations.Count == 0 ? "none" : string.Join(", ", configurations.Select(c => c.Name));
            run.Fail(NoMaintenanceWindow, Severity.Low, "Automatic upgrades have no planned maintenance window",
                $"{view.Id}/maintenanceConfigurations has no {string.Join(" or ", missing)} with a maintenanceWindow (present: {present}): automatic upgrades can start at any time of day.",
                $"Set-AksUpgradePolicy -Id '{view.Id}' -MaintenanceDay Sunday -MaintenanceStartTime 01:00 -MaintenanceDurationHours 4 -MaintenanceUtcOffset +00:00",
                $"{view.Id}/maintenanceConfigurations");
        }
    }

    private static bool HasWindow(IReadOnlyList<MaintenanceConfigurationInfo> configurations, MaintenanceSchedule schedule) =>
        configurations.Any(c => c.Name.Equals(schedule.ConfigurationName, StringComparison.OrdinalIgnoreCase) && c.MaintenanceWindow is not null);

    private static void CheckSupportedVersion(CheckRun run, ManagedClusterView view, KubernetesVersionCatalog catalog)
    {
        if (catalog.OldestSupported(view.SupportPlan) is not { } oldest)
        {
            // The region listed no generally available version for this plan: nothing to compare against, so no verdict.
            return;
        }

        run.Ran(UnsupportedVersion);
        var fix = $"Upgrade to a supported version (az aks upgrade -g {view.ResourceGroupName} -n {view.Name} --kubernetes-version <version>), then Set-AksUpgradePolicy -Id '{view.Id}' -UpgradeChannel patch to stay current";
        var where = $"the oldest version {catalog.Location} supports for the {view.SupportPlan} plan is {oldest} (read from {KubernetesVersionCatalog.PathFor(view.SubscriptionId, catalog.Location)})";
        if (KubernetesVersionNumber.TryParse(view.EffectiveKubernetesVersion, out var control) && control.MinorVersion < oldest)
        {
            run.Fail(UnsupportedVersion, Severity.High, "Kubernetes version is out of support",
                $"{view.EffectiveKubernetesVersionPath} is {view.EffectiveKubernetesVersion}; {where}. Out-of-support versions get no security patches.",
                fix, view.EffectiveKubernetesVersionPath);
        }

        foreach (var pool in view.AgentPools)
        {
            if (KubernetesVersionNumber.TryParse(pool.EffectiveVersion, out var version) && version.MinorVersion < oldest)
            {
                var path = $"{pool.Path}.{(pool.CurrentOrchestratorVersion is null ? "orchestratorVersion" : "currentOrchestratorVersion")}";
                run.Fail(UnsupportedVersion, Severity.High, $"Node pool '{pool.Name}' runs an out-of-support Kubernetes version",
                    $"{path} is {pool.EffectiveVersion}; {where}.",
                    $"az aks nodepool upgrade -g {view.ResourceGroupName} --cluster-name {view.Name} -n {pool.Name} --kubernetes-version <supported version>", path);
            }
        }
    }

    private static void CheckNodePoolVersions(CheckRun run, ManagedClusterView view)
    {
        if (!KubernetesVersionNumber.TryParse(view.EffectiveKubernetesVersion, out var control))
        {
            return;
        }

        run.Ran(NodePoolVersionSkew);
        foreach (var pool in view.AgentPools)
        {
            if (!KubernetesVersionNumber.TryParse(pool.EffectiveVersion, out var version))
            {
                continue;
            }

            // Compare only as precisely as both sides are written: "1.30" and "1.30.4" are the same minor.
            var differs = !version.SameMinor(control) || (version.Patch is not null && control.Patch is not null && version.Patch != control.Patch);
            if (!differs)
            {
                continue;
            }

            var path = $"{pool.Path}.{(pool.CurrentOrchestratorVersion is null ? "orchestratorVersion" : "currentOrchestratorVersion")}";
            run.Fail(NodePoolVersionSkew, version.SameMinor(control) ? Severity.Low : Severity.Medium,
                $"Node pool '{pool.Name}' runs a different Kubernetes version than the control plane",
                $"{path} is {pool.EffectiveVersion}; {view.EffectiveKubernetesVersionPath} is {view.EffectiveKubernetesVersion}. Node pools behind the control plane miss its fixes, and the skew limits the next upgrade.",
                $"az aks nodepool upgrade -g {view.ResourceGroupName} --cluster-name {view.Name} -n {pool.Name} --kubernetes-version {view.EffectiveKubernetesVersion}", path);
        }
    }

    private static string Shown(string? value) => value is null ? "not set (the service's default is none)" : $"\"{value}\"";
}
