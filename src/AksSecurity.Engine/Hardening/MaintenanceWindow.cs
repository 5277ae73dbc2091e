using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// One of the AKS-managed planned-maintenance schedules, a child resource <c>{clusterId}/maintenanceConfigurations/{name}</c>
/// (names from MaintenanceConfiguration.name in the 2026-08-01 spec: 'default', 'aksManagedAutoUpgradeSchedule',
/// 'aksManagedNodeOSUpgradeSchedule'; 'default' is the legacy timeInWeek form and is not written here).
/// </summary>
public sealed class MaintenanceSchedule
{
    public static readonly MaintenanceSchedule AutoUpgrade = new("AutoUpgrade", "aksManagedAutoUpgradeSchedule", "automatic Kubernetes upgrades");
    public static readonly MaintenanceSchedule NodeOSUpgrade = new("NodeOSUpgrade", "aksManagedNodeOSUpgradeSchedule", "node OS upgrades");

    public static IReadOnlyList<MaintenanceSchedule> All { get; } = new[] { AutoUpgrade, NodeOSUpgrade };

    private MaintenanceSchedule(string name, string configurationName, string governs)
    {
        Name = name;
        ConfigurationName = configurationName;
        Governs = governs;
    }

    /// <summary>What users type: AutoUpgrade or NodeOSUpgrade.</summary>
    public string Name { get; }

    public string ConfigurationName { get; }

    public string Governs { get; }

    public string ResourceId(string clusterId) => $"{clusterId}/maintenanceConfigurations/{ConfigurationName}";

    /// <summary>The node OS schedule is used by the NodeImage and SecurityPatch channels only.</summary>
    public bool AppliesTo(string nodeOSUpgradeChannel) =>
        this != NodeOSUpgrade
        || nodeOSUpgradeChannel.Equals("NodeImage", StringComparison.OrdinalIgnoreCase)
        || nodeOSUpgradeChannel.Equals("SecurityPatch", StringComparison.OrdinalIgnoreCase);

    public static MaintenanceSchedule Parse(string name) =>
        All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || s.ConfigurationName.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
            $"'{name}' is not a maintenance schedule: use {string.Join(" or ", All.Select(s => s.Name))}.", "MaintenanceSchedule");

    public override string ToString() => ConfigurationName;
}

/// <summary>A weekly planned-maintenance window as the user asks for it. Validated by <see cref="WeeklyMaintenanceWindow"/>.</summary>
public sealed class MaintenanceWindowRequest
{
    public DayOfWeek DayOfWeek { get; init; }

    /// <summary>"HH:mm", 00:00 to 23:59, in <see cref="UtcOffset"/>.</summary>
    public string StartTime { get; init; } = "";

    public int DurationHours { get; init; } = WeeklyMaintenanceWindow.DefaultDurationHours;

    /// <summary>"+HH:mm" or "-HH:mm".</summary>
    public string UtcOffset { get; init; } = "+00:00";

    public int IntervalWeeks { get; init; } = 1;
}

/// <summary>
/// A validated weekly window, written as MaintenanceConfiguration.properties.maintenanceWindow exactly as the 2026-08-01
/// spec defines it (MaintenanceWindow: schedule {weekly {intervalWeeks 1-4, dayOfWeek}}, durationHours 4-24,
/// utcOffset ^(-|\+)[0-9]{2}:[0-9]{2}$, startTime 'HH:mm' from 00:00 to 23:59) and as the example
/// MaintenanceConfigurationsCreate_Update_MaintenanceWindow.json sends it.
/// </summary>
public sealed class WeeklyMaintenanceWindow
{
    public const int MinimumDurationHours = 4;
    public const int MaximumDurationHours = 24;
    public const int DefaultDurationHours = 4;
    public const int MaximumIntervalWeeks = 4;

    private static readonly Regex StartTimePattern = new(@"^([01]\d|2[0-3]):[0-5]\d$", RegexOptions.CultureInvariant);
    private static readonly Regex UtcOffsetPattern = new(@"^[+-](\d{2}):(\d{2})$", RegexOptions.CultureInvariant);

    public WeeklyMaintenanceWindow(MaintenanceWindowRequest request)
    {
        if (!StartTimePattern.IsMatch(request.StartTime ?? ""))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"Maintenance start time '{request.StartTime}' must be HH:mm on a 24-hour clock, from 00:00 to 23:59 (for example 01:30).", "MaintenanceStartTime");
        }

        if (request.DurationHours is < MinimumDurationHours or > MaximumDurationHours)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"Maintenance duration {request.DurationHours} hours is outside what AKS accepts: {MinimumDurationHours} to {MaximumDurationHours} hours.", "MaintenanceDurationHours");
        }

        var offset = UtcOffsetPattern.Match(request.UtcOffset ?? "");
        var offsetMinutes = offset.Success
            ? int.Parse(offset.Groups[1].Value, CultureInfo.InvariantCulture) * 60 + int.Parse(offset.Groups[2].Value, CultureInfo.InvariantCulture)
            : -1;
        // Real UTC offsets run from -12:00 to +14:00; the spec's pattern alone would accept +99:99.
        if (!offset.Success || int.Parse(offset.Groups[2].Value, CultureInfo.InvariantCulture) >= 60
            || offsetMinutes > (request.UtcOffset!.StartsWith('-') ? 12 * 60 : 14 * 60))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"UTC offset '{request.UtcOffset}' must be +HH:mm or -HH:mm, from -12:00 to +14:00 (for example +01:00 or -05:30).", "MaintenanceUtcOffset");
        }

        if (request.IntervalWeeks is < 1 or > MaximumIntervalWeeks)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"Maintenance interval {request.IntervalWeeks} weeks is outside what AKS accepts: 1 to {MaximumIntervalWeeks} weeks.", "MaintenanceIntervalWeeks");
        }

        DayOfWeek = request.DayOfWeek;
        StartTime = request.StartTime!;
        DurationHours = request.DurationHours;
        UtcOffset = request.UtcOffset!;
        IntervalWeeks = request.IntervalWeeks;
    }

    public DayOfWeek DayOfWeek { get; }
    public string StartTime { get; }
    public int DurationHours { get; }
    public string UtcOffset { get; }
    public int IntervalWeeks { get; }

    public override string ToString() =>
        $"every {(IntervalWeeks == 1 ? "week" : $"{IntervalWeeks} weeks")} on {DayOfWeek} at {StartTime} (UTC{UtcOffset}) for {DurationHours} hours";

    /// <summary>
    /// The maintenance configuration's new properties: the existing ones with this window's schedule, start, duration and
    /// offset written over them. Other window fields (startDate, notAllowedDates) and other properties are kept; the schedule
    /// is replaced whole, since the service allows only one schedule type.
    /// </summary>
    public JsonObject MergeInto(JsonObject? existingProperties)
    {
        var properties = existingProperties?.DeepClone() as JsonObject ?? new JsonObject();
        const string window = "maintenanceWindow";
        JsonPaths.Set(properties, $"{window}.schedule", new JsonObject
        {
            ["weekly"] = new JsonObject
            {
                ["intervalWeeks"] = IntervalWeeks,
                ["dayOfWeek"] = DayOfWeek.ToString(),
            },
        });
        JsonPaths.Set(properties, $"{window}.durationHours", DurationHours);
        JsonPaths.Set(properties, $"{window}.utcOffset", UtcOffset);
        JsonPaths.Set(properties, $"{window}.startTime", StartTime);
        return properties;
    }

    /// <summary>The write that gives <paramref name="schedule"/> this window, or null when the configuration already has it.</summary>
    public ResourceChange? PlanWrite(string clusterId, MaintenanceSchedule schedule, JsonObject? existing)
    {
        var existingProperties = existing is null ? null : JsonPaths.Get(existing, "properties") as JsonObject;
        var properties = MergeInto(existingProperties);
        if (existingProperties is not null && JsonPaths.DeepEquals(existingProperties, properties))
        {
            return null;
        }

        return new ResourceChange(schedule.ResourceId(clusterId), MaintenanceConfigurationApiVersion,
            $"maintenance configuration {schedule.ConfigurationName}",
            existing is null ? null : new JsonObject { ["properties"] = existingProperties?.DeepClone() },
            new JsonObject { ["properties"] = properties });
    }

    public const string MaintenanceConfigurationApiVersion = "2026-08-01";
}
