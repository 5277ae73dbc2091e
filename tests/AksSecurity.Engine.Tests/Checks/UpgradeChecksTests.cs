using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class UpgradeChecksTests
{
    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    /// <summary>The ManagedClustersGet example (Kubernetes 1.9.6, one pool on 1.9.6) with the given channels and versions.</summary>
    private static ManagedClusterDocument Cluster(string? upgradeChannel = null, string? nodeOSChannel = null, string? version = null, params string[] poolVersions)
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        var properties = cluster.Root["properties"]!.AsObject();
        var profile = new JsonObject();
        if (upgradeChannel is not null)
        {
            profile["upgradeChannel"] = upgradeChannel;
        }

        if (nodeOSChannel is not null)
        {
            profile["nodeOSUpgradeChannel"] = nodeOSChannel;
        }

        properties["autoUpgradeProfile"] = profile;
        if (version is not null)
        {
            properties["kubernetesVersion"] = version;
            properties["currentKubernetesVersion"] = version;
        }

        var pools = properties["agentPoolProfiles"]!.AsArray();
        for (var i = 0; i < poolVersions.Length; i++)
        {
            if (i >= pools.Count)
            {
                pools.Add(pools[0]!.DeepClone());
                pools[i]!["name"] = $"pool{i}";
            }

            pools[i]!["orchestratorVersion"] = poolVersions[i];
            pools[i]!["currentOrchestratorVersion"] = poolVersions[i];
        }

        return cluster;
    }

    private static ClusterEvidence Online(ManagedClusterDocument cluster, IReadOnlyList<MaintenanceConfigurationInfo>? configurations = null, KubernetesVersionCatalog? catalog = null) =>
        new(cluster, online: true) { MaintenanceConfigurations = configurations ?? Array.Empty<MaintenanceConfigurationInfo>(), SupportedKubernetesVersions = catalog };

    private static KubernetesVersionCatalog PublishedCatalog =>
        KubernetesVersionCatalog.Parse("location1", ArmExamples.ResponseBody("KubernetesVersions_List.json"));

    private static IReadOnlyList<MaintenanceConfigurationInfo> PublishedConfigurations =>
        ArmExamples.ResponseBody("MaintenanceConfigurationsList_MaintenanceWindow.json")["value"]!.AsArray()
            .Select(c => new MaintenanceConfigurationInfo(c!["name"]!.GetValue<string>(), c["properties"]!["maintenanceWindow"] as JsonObject))
            .ToArray();

    [Fact]
    public void Offline_the_published_cluster_has_no_upgrade_channel_and_the_checks_that_need_azure_do_not_run()
    {
        var result = UpgradeChecks.Evaluate(ExampleClusters.Load("dev-open.json"));

        Assert.Equal(new[] { "AKS-UPG-001" }, Ids(result));
        var finding = result.Findings[0];
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal("properties.autoUpgradeProfile.upgradeChannel", finding.JsonPath);
        Assert.Contains("not set (the service's default is none)", finding.Evidence);
        Assert.StartsWith("Set-AksUpgradePolicy -Id '/subscriptions/", finding.Remediation);
        Assert.Equal(new[] { "AKS-UPG-001", "AKS-UPG-002", "AKS-UPG-005" }, result.ChecksRun);
    }

    [Theory]
    [InlineData("none", Severity.Medium)]
    [InlineData("node-image", Severity.Low)]
    public void Channels_that_never_upgrade_kubernetes_are_reported(string channel, Severity severity)
    {
        var finding = Assert.Single(UpgradeChecks.Evaluate(Cluster(channel)).Findings);
        Assert.Equal("AKS-UPG-001", finding.CheckId);
        Assert.Equal(severity, finding.Severity);
        Assert.Contains($"\"{channel}\"", finding.Evidence);
    }

    [Theory]
    [InlineData("patch")]
    [InlineData("Stable")]
    [InlineData("rapid")]
    public void Kubernetes_upgrade_channels_pass(string channel) => Assert.True(UpgradeChecks.Evaluate(Cluster(channel)).Passed);

    [Fact]
    public void Node_os_channel_none_is_high_and_unmanaged_says_kured()
    {
        var none = Assert.Single(UpgradeChecks.Evaluate(Cluster("patch", "None")).Findings);
        Assert.Equal(("AKS-UPG-002", Severity.High), (none.CheckId, none.Severity));

        var unmanaged = Assert.Single(UpgradeChecks.Evaluate(Cluster("patch", "Unmanaged")).Findings);
        Assert.Equal(Severity.Medium, unmanaged.Severity);
        Assert.Contains("Kured", unmanaged.Evidence);
        Assert.Contains("Kured", unmanaged.Remediation);
        Assert.Equal("properties.autoUpgradeProfile.nodeOSUpgradeChannel", unmanaged.JsonPath);
    }

    [Fact]
    public void The_azure_cli_spelling_of_the_node_os_channel_is_read()
    {
        var cluster = Cluster("patch");
        cluster.Root["properties"]!["autoUpgradeProfile"]!["nodeOsUpgradeChannel"] = "None";
        Assert.Contains("AKS-UPG-002", Ids(UpgradeChecks.Evaluate(cluster)));
    }

    [Fact]
    public void Both_published_maintenance_windows_satisfy_the_check()
    {
        var result = UpgradeChecks.Evaluate(Online(Cluster("patch", "SecurityPatch"), PublishedConfigurations));
        Assert.Contains("AKS-UPG-003", result.ChecksRun);
        Assert.DoesNotContain("AKS-UPG-003", Ids(result));
    }

    [Fact]
    public void Missing_windows_are_named_for_the_channels_in_use()
    {
        var finding = Assert.Single(UpgradeChecks.Evaluate(Online(Cluster("patch"))).Findings);
        Assert.Equal("AKS-UPG-003", finding.CheckId);
        Assert.Contains("aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule", finding.Evidence);
        Assert.Contains("(present: none)", finding.Evidence);
        Assert.EndsWith("/maintenanceConfigurations", finding.JsonPath);

        // A configuration without a maintenanceWindow (the legacy 'default' form) does not count.
        var legacy = new[] { new MaintenanceConfigurationInfo("aksManagedNodeOSUpgradeSchedule", null), new MaintenanceConfigurationInfo("default", null) };
        var onlyLegacy = Assert.Single(UpgradeChecks.Evaluate(Online(Cluster("patch", "NodeImage"), legacy)).Findings);
        Assert.Contains("present: aksManagedNodeOSUpgradeSchedule, default", onlyLegacy.Evidence);
    }

    [Fact]
    public void No_window_is_asked_for_a_channel_that_is_off()
    {
        // Upgrade channel none (001) and node OS Unmanaged (002): neither schedule would be used.
        var result = UpgradeChecks.Evaluate(Online(Cluster("none", "Unmanaged")));
        Assert.Contains("AKS-UPG-003", result.ChecksRun);
        Assert.Equal(new[] { "AKS-UPG-001", "AKS-UPG-002" }, Ids(result));
    }

    [Fact]
    public void A_version_below_the_oldest_the_region_supports_is_high_for_the_control_plane_and_each_pool()
    {
        var result = UpgradeChecks.Evaluate(Online(Cluster("patch"), PublishedConfigurations, PublishedCatalog));

        var findings = result.Findings.Where(f => f.CheckId == "AKS-UPG-004").ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Severity.High, f.Severity));
        Assert.Equal("properties.currentKubernetesVersion", findings[0].JsonPath);
        Assert.Contains("1.9.6", findings[0].Evidence);
        Assert.Contains("oldest version location1 supports for the KubernetesOfficial plan is 1.23", findings[0].Evidence);
        Assert.Contains("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerService/locations/location1/kubernetesVersions", findings[0].Evidence);
        Assert.Equal("properties.agentPoolProfiles[0].currentOrchestratorVersion", findings[1].JsonPath);
        Assert.Contains("nodepool1", findings[1].Title);
    }

    [Theory]
    [InlineData("1.23.15", false)]
    [InlineData("1.25", false)]
    [InlineData("1.22.17", true)]
    public void The_floor_comes_from_the_list_not_from_code(string version, bool reported)
    {
        var result = UpgradeChecks.Evaluate(Online(Cluster("patch", null, version, version), PublishedConfigurations, PublishedCatalog));
        Assert.Equal(reported, Ids(result).Contains("AKS-UPG-004"));
    }

    [Fact]
    public void Without_a_generally_available_version_for_the_plan_there_is_no_verdict()
    {
        var previewOnly = new KubernetesVersionCatalog("location1", new[] { new SupportedKubernetesVersion(new(1, 40, null), true, new[] { "KubernetesOfficial" }) });
        var result = UpgradeChecks.Evaluate(Online(Cluster("patch"), PublishedConfigurations, previewOnly));
        Assert.DoesNotContain("AKS-UPG-004", result.ChecksRun);
    }

    [Fact]
    public void Long_term_support_clusters_are_measured_against_their_plan()
    {
        var catalog = new KubernetesVersionCatalog("location1", new[]
        {
            new SupportedKubernetesVersion(new(1, 27, null), false, new[] { "AKSLongTermSupport" }),
            new SupportedKubernetesVersion(new(1, 30, null), false, new[] { "KubernetesOfficial", "AKSLongTermSupport" }),
        });
        var lts = Cluster("patch", null, "1.27.9", "1.27.9");
        lts.Root["properties"]!["supportPlan"] = "AKSLongTermSupport";
        Assert.DoesNotContain("AKS-UPG-004", Ids(UpgradeChecks.Evaluate(Online(lts, PublishedConfigurations, catalog))));

        var official = Cluster("patch", null, "1.27.9", "1.27.9");
        Assert.Contains("AKS-UPG-004", Ids(UpgradeChecks.Evaluate(Online(official, PublishedConfigurations, catalog))));
    }

    [Fact]
    public void Pools_on_another_minor_are_medium_and_on_another_patch_low()
    {
        var result = UpgradeChecks.Evaluate(Cluster("patch", null, "1.30.4", "1.30.4", "1.29.9", "1.30.2"));

        var skew = result.Findings.Where(f => f.CheckId == "AKS-UPG-005").ToList();
        Assert.Equal(2, skew.Count);
        Assert.Equal((Severity.Medium, "properties.agentPoolProfiles[1].currentOrchestratorVersion"), (skew[0].Severity, skew[0].JsonPath));
        Assert.Contains("1.29.9", skew[0].Evidence);
        Assert.Contains("--kubernetes-version 1.30.4", skew[0].Remediation);
        Assert.Equal((Severity.Low, "properties.agentPoolProfiles[2].currentOrchestratorVersion"), (skew[1].Severity, skew[1].JsonPath));
    }

    [Fact]
    public void Versions_are_compared_only_as_precisely_as_both_are_written()
    {
        var cluster = Cluster("patch", null, "1.30.4");
        var pool = cluster.Root["properties"]!["agentPoolProfiles"]![0]!.AsObject();
        pool["orchestratorVersion"] = "1.30";
        pool.Remove("currentOrchestratorVersion");
        Assert.True(UpgradeChecks.Evaluate(cluster).Passed);
    }
}
