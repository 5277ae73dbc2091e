using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Defender;
using AksSecurity.Engine.Hardening;
using static AksSecurity.Engine.Tests.TestData.MonitoringDocuments;

namespace AksSecurity.Engine.Tests.Hardening;

public class DefenderChangeTests
{
    private static string[] Lines(ChangePlan plan) => plan.Changes.Select(c => c.ToString()).ToArray();

    private static ManagedClusterDocument WithDefender(bool enabled, string workspace) =>
        With("securityProfile", new JsonObject
        {
            // The shape of ManagedClustersCreate_SecurityProfile.json.
            ["defender"] = new JsonObject
            {
                ["logAnalyticsWorkspaceResourceId"] = workspace,
                ["securityMonitoring"] = new JsonObject { ["enabled"] = enabled },
            },
        });

    [Fact]
    public void A_bare_cluster_gets_the_sensor_and_its_workspace()
    {
        Assert.Equal(new[]
        {
            "properties.securityProfile.defender.securityMonitoring.enabled: (absent) -> true",
            $"properties.securityProfile.defender.logAnalyticsWorkspaceResourceId: (absent) -> \"{Workspace}\"",
        }, Lines(new DefenderChange(Workspace).Plan(Bare())));
    }

    [Fact]
    public void The_sensor_on_with_the_same_workspace_in_another_case_is_no_change()
    {
        // The published example writes the provider in lower case.
        var cluster = WithDefender(true, Workspace.Replace("Microsoft.OperationalInsights", "microsoft.operationalinsights"));
        Assert.True(new DefenderChange(Workspace).Plan(cluster).IsEmpty);
    }

    [Fact]
    public void Moving_the_sensor_to_another_workspace_warns_and_other_security_settings_stay()
    {
        var cluster = WithDefender(true, OtherWorkspace);
        cluster.Root["properties"]!["securityProfile"]!["workloadIdentity"] = new JsonObject { ["enabled"] = true };
        var plan = new DefenderChange(Workspace).Plan(cluster);

        Assert.Equal(new[] { $"properties.securityProfile.defender.logAnalyticsWorkspaceResourceId: \"{OtherWorkspace}\" -> \"{Workspace}\"" }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("law-other"));
        plan.ApplyTo(cluster.Root);
        Assert.True(cluster.Root["properties"]!["securityProfile"]!["workloadIdentity"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public void A_sensor_that_is_off_is_switched_on_without_a_workspace_warning()
    {
        var plan = new DefenderChange(Workspace).Plan(WithDefender(false, OtherWorkspace));
        Assert.Equal(2, plan.Changes.Count);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_bad_workspace_id_is_refused_before_anything_is_sent()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new DefenderChange("/subscriptions/x/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law1"));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("WorkspaceResourceId", ex.Target);
    }

    [Fact]
    public void The_plan_warning_names_the_command_and_does_not_change_the_plan()
    {
        var plan = new DefenderForContainersPlan("00000000-0000-0000-0000-000000000000", new JsonObject { ["properties"] = new JsonObject { ["pricingTier"] = "Free" } });
        var warning = DefenderChange.PlanOffWarning(plan);
        Assert.Contains("pricingTier Free", warning);
        Assert.Contains("az security pricing create --name Containers --tier Standard --subscription 00000000-0000-0000-0000-000000000000", warning);
    }
}
