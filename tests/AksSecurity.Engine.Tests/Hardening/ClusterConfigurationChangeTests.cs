using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Hardening;

public class ClusterConfigurationChangeTests
{
    private static ManagedClusterDocument Published => ExampleClusters.Load("dev-open.json");

    private static string[] Lines(ChangePlan plan) => plan.Changes.Select(c => c.ToString()).ToArray();

    [Fact]
    public void Workload_identity_turns_on_the_oidc_issuer_too_and_then_plans_nothing()
    {
        var cluster = Published;
        var plan = new WorkloadIdentityChange().Plan(cluster);
        Assert.Equal(new[]
        {
            "properties.oidcIssuerProfile.enabled: (absent) -> true",
            "properties.securityProfile.workloadIdentity.enabled: (absent) -> true",
        }, Lines(plan));

        plan.ApplyTo(cluster.Root);
        Assert.True(new WorkloadIdentityChange().Plan(cluster).IsEmpty);
    }

    [Fact]
    public void Workload_identity_on_a_cluster_with_the_issuer_changes_only_workload_identity()
    {
        var cluster = ArmExamples.Cluster("ManagedClustersCreate_SecurityProfile.json");
        cluster.Root["properties"]!["securityProfile"]!["workloadIdentity"]!["enabled"] = false;
        cluster.Root["properties"]!["oidcIssuerProfile"] = new JsonObject { ["enabled"] = true, ["issuerURL"] = "https://oidc.example/" };
        Assert.Equal(new[] { "properties.securityProfile.workloadIdentity.enabled: false -> true" }, Lines(new WorkloadIdentityChange().Plan(cluster)));
        Assert.Contains("cannot be turned off", WorkloadIdentityChange.IrreversibleWarning);
    }

    [Theory]
    [InlineData(23)]
    [InlineData(2161)]
    [InlineData(0)]
    public void Image_cleaner_intervals_outside_one_day_to_three_months_are_refused(int hours)
    {
        var ex = Assert.Throws<AksSecurityException>(() => new ImageCleanerChange(hours));
        Assert.Equal((AksErrorKind.InvalidArgument, "IntervalHours"), (ex.Kind, ex.Target));
        Assert.Contains("24 (one day) to 2160 (three months)", ex.Message);
    }

    [Fact]
    public void Image_cleaner_is_enabled_weekly_unless_told_and_keeps_an_existing_interval()
    {
        var cluster = Published;
        var plan = new ImageCleanerChange(null).Plan(cluster);
        Assert.Equal(new[]
        {
            "properties.securityProfile.imageCleaner.enabled: (absent) -> true",
            "properties.securityProfile.imageCleaner.intervalHours: (absent) -> 168",
        }, Lines(plan));
        plan.ApplyTo(cluster.Root);

        Assert.True(new ImageCleanerChange(null).Plan(cluster).IsEmpty);
        Assert.True(new ImageCleanerChange(168).Plan(cluster).IsEmpty);
        Assert.Equal(new[] { "properties.securityProfile.imageCleaner.intervalHours: 168 -> 24" }, Lines(new ImageCleanerChange(24).Plan(cluster)));
        Assert.True(new ImageCleanerChange(2160).Plan(cluster).Changes.Count == 1);
    }

    [Fact]
    public void Node_resource_group_restriction_treats_absent_as_unrestricted()
    {
        var cluster = Published;
        Assert.True(new NodeResourceGroupRestrictionChange("Unrestricted").Plan(cluster).IsEmpty);

        var plan = new NodeResourceGroupRestrictionChange("readonly").Plan(cluster);
        Assert.Equal(new[] { "properties.nodeResourceGroupProfile.restrictionLevel: (absent) -> \"ReadOnly\"" }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("must go through AKS"));
        plan.ApplyTo(cluster.Root);
        Assert.True(new NodeResourceGroupRestrictionChange("ReadOnly").Plan(cluster).IsEmpty);

        var back = new NodeResourceGroupRestrictionChange("Unrestricted").Plan(cluster);
        Assert.Equal(new[] { "properties.nodeResourceGroupProfile.restrictionLevel: \"ReadOnly\" -> \"Unrestricted\"" }, Lines(back));
        Assert.Equal("RestrictionLevel", Assert.Throws<AksSecurityException>(() => new NodeResourceGroupRestrictionChange("Locked")).Target);
    }

    [Fact]
    public void Legacy_add_ons_are_turned_off_where_they_are_on_keeping_the_key_as_written()
    {
        var cluster = Published;
        cluster.Root["properties"]!["addonProfiles"] = new JsonObject
        {
            ["KubeDashboard"] = new JsonObject { ["enabled"] = true },
            ["httpApplicationRouting"] = new JsonObject { ["enabled"] = false },
            ["azurepolicy"] = new JsonObject { ["enabled"] = true },
        };

        var plan = new LegacyAddonChange(Array.Empty<string>()).Plan(cluster);
        Assert.Equal(new[] { "properties.addonProfiles.kubeDashboard.enabled: true -> false" }, Lines(plan));
        plan.ApplyTo(cluster.Root);
        var addons = cluster.Root["properties"]!["addonProfiles"]!.AsObject();
        Assert.False(addons["KubeDashboard"]!["enabled"]!.GetValue<bool>());
        Assert.False(addons.ContainsKey("kubeDashboard"));
        Assert.True(addons["azurepolicy"]!["enabled"]!.GetValue<bool>());
        Assert.True(new LegacyAddonChange(Array.Empty<string>()).Plan(cluster).IsEmpty);
    }

    [Fact]
    public void Turning_off_http_application_routing_warns_about_its_ingresses()
    {
        var cluster = Published;
        cluster.Root["properties"]!["addonProfiles"] = new JsonObject { ["httpApplicationRouting"] = new JsonObject { ["enabled"] = true } };
        var plan = new LegacyAddonChange(new[] { "HTTPApplicationRouting" }).Plan(cluster);
        Assert.Single(plan.Changes);
        Assert.Contains(plan.Warnings, w => w.Contains("webAppRouting"));

        Assert.True(new LegacyAddonChange(new[] { "kubeDashboard" }).Plan(cluster).IsEmpty);
        Assert.Equal("Addon", Assert.Throws<AksSecurityException>(() => new LegacyAddonChange(new[] { "omsagent" })).Target);
    }
}
