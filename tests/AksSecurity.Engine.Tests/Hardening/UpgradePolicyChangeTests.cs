using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Hardening;

public class UpgradePolicyChangeTests
{
    /// <summary>The ManagedClustersGet example (no autoUpgradeProfile) with the given profile.</summary>
    private static ManagedClusterDocument With(string? upgradeChannel, string? nodeOSChannel, string nodeOSKey = "nodeOSUpgradeChannel")
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        var profile = new JsonObject();
        if (upgradeChannel is not null)
        {
            profile["upgradeChannel"] = upgradeChannel;
        }

        if (nodeOSChannel is not null)
        {
            profile[nodeOSKey] = nodeOSChannel;
        }

        cluster.Root["properties"]!["autoUpgradeProfile"] = profile;
        return cluster;
    }

    private static ChangePlan Plan(ManagedClusterDocument cluster, UpgradePolicyRequest request) => new UpgradePolicyChange(request).Plan(cluster);

    [Fact]
    public void Channels_are_planned_as_exactly_those_fields()
    {
        var plan = Plan(ExampleClusters.Load("dev-open.json"), new() { UpgradeChannel = "PATCH", NodeOSUpgradeChannel = "securitypatch" });

        Assert.Equal(new[]
        {
            "properties.autoUpgradeProfile.upgradeChannel: (absent) -> \"patch\"",
            "properties.autoUpgradeProfile.nodeOSUpgradeChannel: (absent) -> \"SecurityPatch\"",
        }, plan.Changes.Select(c => c.ToString()));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void The_same_channels_again_are_no_change_whatever_their_case()
    {
        Assert.True(Plan(With("Patch", "SecurityPatch"), new() { UpgradeChannel = "patch", NodeOSUpgradeChannel = "SecurityPatch" }).IsEmpty);
    }

    [Fact]
    public void Asking_for_the_services_default_where_the_field_is_absent_is_no_change()
    {
        var plan = Plan(ExampleClusters.Load("dev-open.json"), new() { UpgradeChannel = "none", NodeOSUpgradeChannel = "NodeImage" });
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void The_azure_cli_spelling_of_the_node_os_channel_is_read_and_kept()
    {
        var cluster = With(null, "NodeImage", nodeOSKey: "nodeOsUpgradeChannel");
        Assert.True(Plan(cluster, new() { NodeOSUpgradeChannel = "NodeImage" }).IsEmpty);

        var plan = Plan(cluster, new() { NodeOSUpgradeChannel = "SecurityPatch" });
        plan.ApplyTo(cluster.Root);
        Assert.Equal("SecurityPatch", cluster.Root["properties"]!["autoUpgradeProfile"]!["nodeOsUpgradeChannel"]!.GetValue<string>());
        Assert.Single(cluster.Root["properties"]!["autoUpgradeProfile"]!.AsObject());
    }

    [Fact]
    public void Unknown_channels_are_refused_before_anything_is_read()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new UpgradePolicyChange(new() { UpgradeChannel = "weekly" }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("UpgradeChannel", ex.Target);
        Assert.Contains("rapid, stable, patch, node-image, none", ex.Message);
        Assert.Equal("NodeOSUpgradeChannel", Assert.Throws<AksSecurityException>(() => new UpgradePolicyChange(new() { NodeOSUpgradeChannel = "Weekly" })).Target);
    }

    [Fact]
    public void Nothing_to_change_is_refused()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new UpgradePolicyChange(new()));
        Assert.Contains("Nothing to change", ex.Message);
    }

    [Fact]
    public void Schedules_without_a_window_are_refused()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new UpgradePolicyChange(new() { UpgradeChannel = "patch", MaintenanceSchedules = new[] { "AutoUpgrade" } }));
        Assert.Equal("MaintenanceSchedule", ex.Target);
    }

    [Fact]
    public void Node_image_channel_with_another_node_os_channel_is_refused()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new UpgradePolicyChange(new() { UpgradeChannel = "node-image", NodeOSUpgradeChannel = "SecurityPatch" }));
        Assert.Contains("requires the node OS channel NodeImage", ex.Message);

        // Also when the node-image channel is already on the cluster.
        var onCluster = Assert.Throws<AksSecurityException>(() => Plan(With("node-image", "NodeImage"), new() { NodeOSUpgradeChannel = "SecurityPatch" }));
        Assert.Equal(AksErrorKind.InvalidArgument, onCluster.Kind);
    }

    [Fact]
    public void Node_image_channel_moves_the_node_os_channel_to_node_image_and_says_so()
    {
        var plan = Plan(With("patch", "SecurityPatch"), new() { UpgradeChannel = "node-image" });

        Assert.Contains(plan.Changes, c => c.ToString() == "properties.autoUpgradeProfile.nodeOSUpgradeChannel: \"SecurityPatch\" -> \"NodeImage\"");
        Assert.Contains(plan.Warnings, w => w.Contains("from SecurityPatch to NodeImage"));
        Assert.Contains(plan.Warnings, w => w.Contains("never Kubernetes"));
    }

    [Fact]
    public void Unmanaged_warns_that_nodes_need_kured_to_reboot()
    {
        var plan = Plan(ExampleClusters.Load("dev-open.json"), new() { NodeOSUpgradeChannel = "Unmanaged" });
        Assert.Contains(plan.Warnings, w => w.Contains("Kured") && w.Contains("do not reboot"));
    }

    [Fact]
    public void None_channels_warn_what_they_give_up()
    {
        var plan = Plan(With("patch", "NodeImage"), new() { UpgradeChannel = "none", NodeOSUpgradeChannel = "None" });
        Assert.Equal(2, plan.Changes.Count);
        Assert.Contains(plan.Warnings, w => w.Contains("falls out of support"));
        Assert.Contains(plan.Warnings, w => w.Contains("nothing patches the nodes"));
    }

    [Fact]
    public void A_window_for_a_schedule_no_channel_uses_gets_a_warning()
    {
        var window = new MaintenanceWindowRequest { DayOfWeek = DayOfWeek.Sunday, StartTime = "01:00" };
        var plan = Plan(ExampleClusters.Load("dev-open.json"), new() { MaintenanceWindow = window });

        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Warnings, w => w.Contains("aksManagedAutoUpgradeSchedule") && w.Contains("upgrade channel is none"));
        Assert.DoesNotContain(plan.Warnings, w => w.Contains("aksManagedNodeOSUpgradeSchedule"));
    }

    [Fact]
    public void Window_validation_happens_in_the_constructor()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new UpgradePolicyChange(new()
        {
            MaintenanceWindow = new MaintenanceWindowRequest { DayOfWeek = DayOfWeek.Sunday, StartTime = "01:00", DurationHours = 2 },
        }));
        Assert.Equal("MaintenanceDurationHours", ex.Target);
    }
}
