using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Sets the auto-upgrade channels of clusters and their planned maintenance windows (the AKS-managed maintenance
/// configurations beside the cluster). Validates everything before sending, and sends nothing that is already as asked.
/// </summary>
[Cmdlet(VerbsCommon.Set, "AksUpgradePolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class SetAksUpgradePolicyCommand : ChangeClusterCmdlet
{
    [Parameter]
    [ValidateSet("rapid", "stable", "patch", "node-image", "none")]
    public string? UpgradeChannel { get; set; }

    [Parameter]
    [ValidateSet("None", "Unmanaged", "NodeImage", "SecurityPatch")]
    public string? NodeOSUpgradeChannel { get; set; }

    [Parameter]
    public DayOfWeek MaintenanceDay { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MaintenanceStartTime { get; set; }

    [Parameter]
    public int MaintenanceDurationHours { get; set; } = WeeklyMaintenanceWindow.DefaultDurationHours;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string MaintenanceUtcOffset { get; set; } = "+00:00";

    [Parameter]
    public int MaintenanceIntervalWeeks { get; set; } = 1;

    /// <summary>Which AKS-managed schedules get the window: AutoUpgrade, NodeOSUpgrade, or both (the default).</summary>
    [Parameter]
    [ValidateSet("AutoUpgrade", "NodeOSUpgrade")]
    public string[] MaintenanceSchedule { get; set; } = Array.Empty<string>();

    internal override IClusterChange CreateChange()
    {
        var bound = MyInvocation.BoundParameters;
        var windowParameters = new[] { nameof(MaintenanceDurationHours), nameof(MaintenanceUtcOffset), nameof(MaintenanceIntervalWeeks) };
        var hasDay = bound.ContainsKey(nameof(MaintenanceDay));
        var hasStart = bound.ContainsKey(nameof(MaintenanceStartTime));
        if (hasDay != hasStart || (!hasDay && windowParameters.Any(bound.ContainsKey)))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "A maintenance window needs both -MaintenanceDay and -MaintenanceStartTime (the other -Maintenance parameters have defaults).",
                hasDay ? nameof(MaintenanceStartTime) : nameof(MaintenanceDay));
        }

        return new UpgradePolicyChange(new UpgradePolicyRequest
        {
            UpgradeChannel = UpgradeChannel,
            NodeOSUpgradeChannel = NodeOSUpgradeChannel,
            MaintenanceWindow = hasDay
                ? new MaintenanceWindowRequest
                {
                    DayOfWeek = MaintenanceDay,
                    StartTime = MaintenanceStartTime!,
                    DurationHours = MaintenanceDurationHours,
                    UtcOffset = MaintenanceUtcOffset,
                    IntervalWeeks = MaintenanceIntervalWeeks,
                }
                : null,
            MaintenanceSchedules = MaintenanceSchedule,
        });
    }
}
