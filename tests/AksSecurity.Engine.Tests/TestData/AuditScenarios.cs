using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Defender;
using AksSecurity.Engine.Policy;
using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>
/// Clusters with the evidence beside them that, between them, make every check of every checks class fail. Some checks
/// exclude each other (no ranges vs. a /0 range, a private vs. a public cluster), hence three clusters.
/// </summary>
internal static class AuditScenarios
{
    public const string Subscription = "00000000-0000-0000-0000-000000000000";

    /// <summary>Evidence and the policy options each scenario is evaluated with.</summary>
    public sealed record Scenario(string Name, ClusterEvidence Evidence, PolicyCheckOptions PolicyOptions);

    public static IReadOnlyList<Scenario> EveryCheckFails() => new[] { Open(), Misconfigured(), Private() };

    /// <summary>dev-open.json with nothing hardened, legacy add-ons on, and evidence showing nothing beside it.</summary>
    public static Scenario Open()
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        var properties = Properties(cluster);
        properties["addonProfiles"] = new JsonObject
        {
            ["kubeDashboard"] = new JsonObject { ["enabled"] = true },
            ["httpApplicationRouting"] = new JsonObject { ["enabled"] = true },
        };
        properties["autoUpgradeProfile"] = new JsonObject { ["upgradeChannel"] = "none", ["nodeOSUpgradeChannel"] = "None" };
        properties["networkProfile"]!["loadBalancerSku"] = "basic";
        var pool = Pool(cluster, 0);
        pool["enableNodePublicIP"] = true;
        pool["orchestratorVersion"] = "1.8.0";
        pool["currentOrchestratorVersion"] = "1.8.0";
        var evidence = new ClusterEvidence(cluster, online: true)
        {
            PolicyAssignments = Array.Empty<PolicyAssignment>(),
            DiagnosticSettings = MonitoringDocuments.Settings(),
            MaintenanceConfigurations = Array.Empty<MaintenanceConfigurationInfo>(),
            DefenderPlan = Plan("Standard"),
            SupportedKubernetesVersions = PublishedVersions,
            NodeBenchmark = KubeBenchSamples.Evidence(("aks-nodepool1-0", KubeBenchSamples.AksNodeWithStatus("FAIL"))),
            SecretStore = SecretStoreScenarios.EveryCheckFails(),
        };
        return new Scenario("open", evidence, new PolicyCheckOptions());
    }

    /// <summary>Settings that look configured but are not: a /0 range, Entra ID without admins, rotation off, Audit where Deny is required.</summary>
    public static Scenario Misconfigured()
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        var properties = Properties(cluster);
        properties["apiServerAccessProfile"] = new JsonObject { ["authorizedIPRanges"] = new JsonArray("0.0.0.0/0", "10.20.0.0/16") };
        properties["aadProfile"] = new JsonObject { ["managed"] = true, ["enableAzureRBAC"] = false, ["adminGroupObjectIDs"] = new JsonArray() };
        properties["addonProfiles"] = new JsonObject
        {
            ["azureKeyvaultSecretsProvider"] = new JsonObject { ["enabled"] = true, ["config"] = new JsonObject { ["enableSecretRotation"] = "false" } },
        };
        properties["securityProfile"] = new JsonObject
        {
            ["defender"] = new JsonObject { ["logAnalyticsWorkspaceResourceId"] = MonitoringDocuments.Workspace, ["securityMonitoring"] = new JsonObject { ["enabled"] = true } },
        };
        properties["autoUpgradeProfile"] = new JsonObject { ["upgradeChannel"] = "patch", ["nodeOSUpgradeChannel"] = "NodeImage" };
        Pool(cluster, 0)["type"] = "AvailabilitySet";
        var baseline = PolicyFixtures.Assignment($"/subscriptions/{Subscription}", "pod-security", PodSecurityInitiative.Baseline.PolicySetDefinitionId,
            PolicyFixtures.Parameters(("effect", "Audit")));
        var evidence = new ClusterEvidence(cluster, online: true)
        {
            PolicyAssignments = new[] { baseline },
            DiagnosticSettings = MonitoringDocuments.Settings(MonitoringDocuments.Setting("control-plane", MonitoringDocuments.Workspace, "kube-apiserver")),
            MaintenanceConfigurations = Array.Empty<MaintenanceConfigurationInfo>(),
            DefenderPlan = Plan("Free"),
        };
        return new Scenario("misconfigured", evidence, new PolicyCheckOptions { RequiredEffect = "Deny", RequiredInitiative = PodSecurityInitiative.RestrictedName });
    }

    /// <summary>prod-private.json (private, public FQDN on) with a slow rotation interval and kube-audit collected.</summary>
    public static Scenario Private()
    {
        var cluster = ExampleClusters.Load("prod-private.json");
        Properties(cluster)["addonProfiles"] = new JsonObject
        {
            ["azureKeyvaultSecretsProvider"] = new JsonObject
            {
                ["enabled"] = true, ["config"] = new JsonObject { ["enableSecretRotation"] = "true", ["rotationPollInterval"] = "24h" },
            },
        };
        var evidence = new ClusterEvidence(cluster, online: true)
        {
            DiagnosticSettings = MonitoringDocuments.Settings(MonitoringDocuments.Setting("audit", MonitoringDocuments.Workspace, "kube-audit", "guard")),
        };
        return new Scenario("private", evidence, new PolicyCheckOptions());
    }

    /// <summary>Every checks class on one scenario, as Test-Aks* would run them.</summary>
    public static IReadOnlyList<ClusterTestResult> RunEveryClass(Scenario scenario) =>
    [
        ApiAccessChecks.Evaluate(scenario.Evidence),
        AadRbacChecks.Evaluate(scenario.Evidence),
        PolicyChecks.Evaluate(scenario.Evidence, scenario.PolicyOptions),
        KeyVaultCsiChecks.Evaluate(scenario.Evidence),
        MonitoringChecks.Evaluate(scenario.Evidence),
        DefenderChecks.Evaluate(scenario.Evidence),
        UpgradeChecks.Evaluate(scenario.Evidence),
        ClusterConfigurationChecks.Evaluate(scenario.Evidence),
        NodeChecks.Evaluate(scenario.Evidence),
        .. SecretStore(scenario.Evidence),
    ];

    /// <summary>Test-AksSecretStore's checks, where the scenario has the objects it reads.</summary>
    private static IEnumerable<ClusterTestResult> SecretStore(ClusterEvidence evidence) => evidence.SecretStore is { } objects
        ? new[] { SecretStoreChecks.Evaluate(evidence.View.Id, evidence.View.Name, evidence.Cluster.Source, objects) }
        : Array.Empty<ClusterTestResult>();

    public static KubernetesVersionCatalog PublishedVersions =>
        KubernetesVersionCatalog.Parse("location1", ArmExamples.ResponseBody("KubernetesVersions_List.json"));

    /// <summary>The Containers pricing as the 2024-01-01 spec examples show it.</summary>
    public static DefenderForContainersPlan Plan(string tier) =>
        new(Subscription, new JsonObject
        {
            ["id"] = DefenderForContainersPlan.ResourceId(Subscription),
            ["name"] = "Containers",
            ["type"] = "Microsoft.Security/pricings",
            ["properties"] = new JsonObject { ["pricingTier"] = tier },
        });

    private static JsonObject Properties(ManagedClusterDocument cluster) => cluster.Root["properties"]!.AsObject();

    private static JsonObject Pool(ManagedClusterDocument cluster, int index) => Properties(cluster)["agentPoolProfiles"]![index]!.AsObject();
}
