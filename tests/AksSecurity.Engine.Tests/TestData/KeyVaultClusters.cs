using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Cluster documents with and without the Key Vault secrets provider add-on.</summary>
internal static class KeyVaultClusters
{
    /// <summary>
    /// properties.addonProfiles of ManagedClustersCreate_AzureKeyvaultSecretsProvider.json (2026-08-01, 200 body), copied
    /// as published (shared/fixtures/arm/containerservice/2026-08-01/examples/).
    /// </summary>
    public const string ExampleAddonProfiles =
        """{"azureKeyvaultSecretsProvider": {"config": {"enableSecretRotation": "true", "rotationPollInterval": "2m"}, "enabled": true}}""";

    /// <summary>prod-restricted.json (no add-ons) with the published example's add-on profile.</summary>
    public static ManagedClusterDocument Example()
    {
        var cluster = WithoutAddon();
        cluster.Root["properties"]!["addonProfiles"] = JsonNode.Parse(ExampleAddonProfiles);
        return cluster;
    }

    public static ManagedClusterDocument WithoutAddon() => ExampleClusters.Load("prod-restricted.json");

    public static ManagedClusterDocument WithAddon(JsonObject profile, string key = "azureKeyvaultSecretsProvider")
    {
        var cluster = WithoutAddon();
        cluster.Root["properties"]!["addonProfiles"] = new JsonObject { [key] = profile };
        return cluster;
    }
}
