using System.Text.Json.Nodes;
using AksSecurity.Engine.Monitoring;
using static AksSecurity.Engine.Tests.TestData.MonitoringDocuments;

namespace AksSecurity.Engine.Tests.Monitoring;

public class ClusterDiagnosticSettingsTests
{
    [Fact]
    public void The_fixture_shape_reads_as_a_setting_with_a_destination()
    {
        var fixture = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(ExampleClustersRoot(), "tests", "AksSecurity.Engine.Tests", "TestData", "Fixtures", "createOrUpdateDiagnosticSetting.json")))!;
        var setting = new DiagnosticSetting((JsonObject)fixture["responses"]!["200"]!["body"]!);

        Assert.Equal("mysetting", setting.Name);
        Assert.Null(setting.WorkspaceId); // "" in the example: no workspace
        Assert.True(setting.HasDestination); // storage account and event hub
        Assert.Equal(new[] { "allLogs" }, setting.EnabledCategoryGroups);
        Assert.Empty(setting.EnabledCategories);
        Assert.Equal("Dedicated", setting.DestinationType);
    }

    [Fact]
    public void Categories_are_routed_by_name_and_through_allLogs_but_not_through_unknown_groups()
    {
        var settings = Settings(
            Setting("by-name", Workspace, "kube-audit-admin", "-guard"),
            Setting("everything", OtherWorkspace, "group:allLogs"),
            Setting("audit-group", Workspace, "group:audit"));

        Assert.Equal(new[] { "by-name", "everything" }, settings.RoutesOf("kube-audit-admin").Select(r => r.Setting.Name));
        var guard = Assert.Single(settings.RoutesOf("guard"));
        Assert.Equal("diagnostic setting 'everything' (categoryGroup allLogs)", guard.Describe());
        Assert.Equal(new[] { "audit" }, settings.UnresolvedGroups);
    }

    [Fact]
    public void Known_group_members_count()
    {
        var members = new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["audit"] = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "kube-audit", "kube-audit-admin", "guard" },
        };
        var settings = new ClusterDiagnosticSettings(new[] { Setting("audit-group", Workspace, "group:audit") }, members);

        Assert.Single(settings.RoutesOf("guard"));
        Assert.Empty(settings.RoutesOf("kube-apiserver"));
        Assert.Empty(settings.UnresolvedGroups);
    }

    [Fact]
    public void Settings_without_a_destination_or_without_enabled_logs_send_nothing()
    {
        var settings = Settings(Setting("nowhere", null, "kube-audit-admin"), Setting("disabled", Workspace, "-kube-audit-admin"));

        Assert.Empty(settings.SendingLogs);
        Assert.Empty(settings.RoutesOf("kube-audit-admin"));
        Assert.NotNull(settings.Named("NOWHERE"));
    }

    private static string ExampleClustersRoot() => Path.GetFullPath(Path.Combine(TestData.ExampleClusters.ExamplesDirectory, "..", ".."));
}
