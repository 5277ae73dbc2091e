using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Hardening;

public class MaintenanceWindowTests
{
    private const string ClusterId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";

    private static WeeklyMaintenanceWindow Window(DayOfWeek day = DayOfWeek.Sunday, string start = "01:00", int hours = 4, string offset = "+00:00", int weeks = 1) =>
        new(new MaintenanceWindowRequest { DayOfWeek = day, StartTime = start, DurationHours = hours, UtcOffset = offset, IntervalWeeks = weeks });

    [Theory]
    [InlineData("24:00", "MaintenanceStartTime")]
    [InlineData("1:00", "MaintenanceStartTime")]
    [InlineData("01:60", "MaintenanceStartTime")]
    [InlineData("", "MaintenanceStartTime")]
    public void Start_times_outside_00_00_to_23_59_are_refused(string start, string target)
    {
        var ex = Assert.Throws<AksSecurityException>(() => Window(start: start));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal(target, ex.Target);
        Assert.Contains("HH:mm", ex.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(25)]
    public void Durations_outside_4_to_24_hours_are_refused(int hours)
    {
        var ex = Assert.Throws<AksSecurityException>(() => Window(hours: hours));
        Assert.Equal("MaintenanceDurationHours", ex.Target);
        Assert.Contains("4 to 24", ex.Message);
    }

    [Theory]
    [InlineData("+15:00")]
    [InlineData("-13:00")]
    [InlineData("+05:60")]
    [InlineData("0530")]
    [InlineData("+5:30")]
    public void Utc_offsets_that_do_not_exist_are_refused(string offset)
    {
        var ex = Assert.Throws<AksSecurityException>(() => Window(offset: offset));
        Assert.Equal("MaintenanceUtcOffset", ex.Target);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Intervals_outside_1_to_4_weeks_are_refused(int weeks)
    {
        var ex = Assert.Throws<AksSecurityException>(() => Window(weeks: weeks));
        Assert.Equal("MaintenanceIntervalWeeks", ex.Target);
    }

    [Fact]
    public void The_limits_themselves_are_accepted()
    {
        Window(start: "23:59", hours: 24, offset: "+14:00", weeks: 4);
        Window(start: "00:00", hours: 4, offset: "-12:00", weeks: 1);
    }

    [Fact]
    public void A_new_configuration_is_created_with_the_specs_weekly_shape()
    {
        var write = Window(DayOfWeek.Saturday, "22:30", 6, "+01:00", 2).PlanWrite(ClusterId, MaintenanceSchedule.NodeOSUpgrade, null);

        Assert.NotNull(write);
        Assert.Equal($"{ClusterId}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule", write!.ResourceId);
        Assert.Equal("2026-08-01", write.ApiVersion);
        Assert.Null(write.Before);
        Assert.Equal(
            "{\"properties\":{\"maintenanceWindow\":{\"schedule\":{\"weekly\":{\"intervalWeeks\":2,\"dayOfWeek\":\"Saturday\"}},\"durationHours\":6,\"utcOffset\":\"+01:00\",\"startTime\":\"22:30\"}}}",
            JsonPaths.Display(write.After));
        Assert.StartsWith("Create maintenance configuration aksManagedNodeOSUpgradeSchedule", write.Describe());
    }

    [Fact]
    public void Every_field_written_is_one_the_published_example_uses()
    {
        // MaintenanceConfigurations_CreateOrUpdate answers with a weekly schedule: our body must use its names exactly.
        var example = (JsonObject)ArmExamples.ResponseBody("MaintenanceConfigurationsCreate_Update_MaintenanceWindow.json")["properties"]!["maintenanceWindow"]!;
        var written = (JsonObject)Window().PlanWrite(ClusterId, MaintenanceSchedule.AutoUpgrade, null)!.After!["properties"]!["maintenanceWindow"]!;

        foreach (var key in written.Select(p => p.Key))
        {
            Assert.True(example.ContainsKey(key), key);
        }

        Assert.Equal(example["schedule"]!["weekly"]!.AsObject().Select(p => p.Key).Order(), written["schedule"]!["weekly"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public void The_same_window_again_is_no_write()
    {
        // The example's stored configuration: weekly on Monday every 3 weeks at 08:30 +05:30 for 10 hours.
        var stored = ArmExamples.ResponseBody("MaintenanceConfigurationsCreate_Update_MaintenanceWindow.json");
        var write = Window(DayOfWeek.Monday, "08:30", 10, "+05:30", 3).PlanWrite(ClusterId, MaintenanceSchedule.AutoUpgrade, stored);
        Assert.Null(write);
    }

    [Fact]
    public void An_existing_schedule_is_replaced_whole_and_its_other_fields_kept()
    {
        var listed = (JsonObject)ArmExamples.ResponseBody("MaintenanceConfigurationsList_MaintenanceWindow.json")["value"]![1]!;
        var write = Window(DayOfWeek.Sunday, "02:00", 4, "+00:00").PlanWrite(ClusterId, MaintenanceSchedule.AutoUpgrade, listed)!;

        var window = write.After!["properties"]!["maintenanceWindow"]!;
        Assert.Equal("{\"weekly\":{\"intervalWeeks\":1,\"dayOfWeek\":\"Sunday\"}}", window["schedule"]!.ToJsonString());
        Assert.Equal("2023-01-01", window["startDate"]!.GetValue<string>());
        Assert.Equal(2, window["notAllowedDates"]!.AsArray().Count);
        var text = write.Describe();
        Assert.StartsWith("Update maintenance configuration aksManagedAutoUpgradeSchedule", text);
        Assert.Contains("properties.maintenanceWindow.schedule.absoluteMonthly: {\"dayOfMonth\":15,\"intervalMonths\":3} -> (absent)", text);
        Assert.Contains("properties.maintenanceWindow.schedule.weekly.dayOfWeek: (absent) -> \"Sunday\"", text);
        Assert.Contains("properties.maintenanceWindow.durationHours: 5 -> 4", text);
        Assert.Contains("properties.maintenanceWindow.startTime: \"08:30\" -> \"02:00\"", text);
        Assert.DoesNotContain("startDate", text);
    }

    [Fact]
    public void Schedule_names_are_taken_in_either_spelling()
    {
        Assert.Same(MaintenanceSchedule.AutoUpgrade, MaintenanceSchedule.Parse("autoupgrade"));
        Assert.Same(MaintenanceSchedule.NodeOSUpgrade, MaintenanceSchedule.Parse("aksManagedNodeOSUpgradeSchedule"));
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => MaintenanceSchedule.Parse("default")).Kind);
    }
}
