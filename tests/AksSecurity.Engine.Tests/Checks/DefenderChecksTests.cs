using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Defender;
using static AksSecurity.Engine.Tests.TestData.MonitoringDocuments;

namespace AksSecurity.Engine.Tests.Checks;

public class DefenderChecksTests
{
    private const string Sub = "00000000-0000-0000-0000-000000000000";

    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    private static ManagedClusterDocument Sensor(bool on) =>
        With("securityProfile", new JsonObject
        {
            ["defender"] = new JsonObject { ["logAnalyticsWorkspaceResourceId"] = Workspace, ["securityMonitoring"] = new JsonObject { ["enabled"] = on } },
        });

    /// <summary>The Containers pricing as the 2024-01-01 spec examples show it.</summary>
    private static DefenderForContainersPlan Plan(string tier, bool? sensorExtension = null)
    {
        var properties = new JsonObject { ["pricingTier"] = tier, ["freeTrialRemainingTime"] = "PT0S", ["enforce"] = "False" };
        if (sensorExtension is bool enabled)
        {
            properties["extensions"] = new JsonArray(new JsonObject { ["name"] = "ContainerSensor", ["isEnabled"] = enabled ? "True" : "False" });
        }

        return new DefenderForContainersPlan(Sub, new JsonObject
        {
            ["id"] = $"/subscriptions/{Sub}/providers/Microsoft.Security/pricings/Containers",
            ["name"] = "Containers",
            ["type"] = "Microsoft.Security/pricings",
            ["properties"] = properties,
        });
    }

    private static ClusterTestResult Online(ManagedClusterDocument cluster, DefenderForContainersPlan? plan) =>
        DefenderChecks.Evaluate(new ClusterEvidence(cluster, online: true) { DefenderPlan = plan });

    [Fact]
    public void Offline_only_the_sensor_is_checked()
    {
        var result = DefenderChecks.Evaluate(new ClusterEvidence(Bare(), online: false));

        Assert.Equal(new[] { "AKS-DEF-001" }, result.ChecksRun);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal("properties.securityProfile.defender.securityMonitoring.enabled", finding.JsonPath);
        Assert.StartsWith("Enable-AksDefender -Id '/subscriptions/", finding.Remediation);
    }

    [Fact]
    public void Sensor_and_plan_on_pass()
    {
        var result = Online(Sensor(true), Plan("Standard"));
        Assert.True(result.Passed);
        Assert.Equal(new[] { "AKS-DEF-001", "AKS-DEF-002", "AKS-DEF-003" }, result.ChecksRun);
    }

    [Fact]
    public void A_sensor_without_the_plan_is_reported_with_the_plan_command()
    {
        var finding = Assert.Single(Online(Sensor(true), Plan("Free")).Findings);
        Assert.Equal("AKS-DEF-002", finding.CheckId);
        Assert.Contains("pricingTier 'Free'", finding.Evidence);
        Assert.Contains($"az security pricing create --name Containers --tier Standard --subscription {Sub}", finding.Remediation);
        Assert.Equal("properties.pricingTier", finding.JsonPath);
    }

    [Fact]
    public void A_plan_without_the_sensor_is_reported_beside_the_sensor_finding()
    {
        var result = Online(Sensor(false), Plan("Standard", sensorExtension: false));

        Assert.Equal(new[] { "AKS-DEF-001", "AKS-DEF-003" }, Ids(result));
        Assert.Contains("ContainerSensor extension", result.Findings[1].Evidence);
        Assert.Contains("Enable-AksDefender", result.Findings[1].Remediation);
    }

    [Fact]
    public void Neither_sensor_nor_plan_is_only_the_sensor_finding()
    {
        Assert.Equal(new[] { "AKS-DEF-001" }, Ids(Online(Sensor(false), Plan("Free"))));
    }

    [Fact]
    public void An_unreadable_plan_leaves_the_plan_checks_out()
    {
        var result = Online(Sensor(true), null);
        Assert.Equal(new[] { "AKS-DEF-001" }, result.ChecksRun);
        Assert.True(result.Passed);
    }
}
