using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Cluster documents for the Entra ID and RBAC tests, from the examples in examples/clusters/.</summary>
internal static class EntraClusters
{
    public const string GroupA = "8d3a1c2e-5b4f-4a6e-9c7d-0e1f2a3b4c5d";
    public const string GroupB = "f1e2d3c4-b5a6-4789-8abc-def012345678";
    public const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    /// <summary>Kubernetes RBAC on, no aadProfile, local accounts on (ManagedClustersCreate_DisableRunCommand.json).</summary>
    public static ManagedClusterDocument RbacOnly() => ExampleClusters.Load("test-wide.json");

    /// <summary>enableRBAC false (ManagedClustersGet.json).</summary>
    public static ManagedClusterDocument RbacOff() => ExampleClusters.Load("dev-open.json");

    /// <summary>Managed Entra ID with Azure RBAC, adminGroupObjectIDs null, tenantID "tenantID" (ManagedClustersCreate_UpdateWithEnableAzureRBAC.json).</summary>
    public static ManagedClusterDocument Managed() => ExampleClusters.Load("prod-restricted.json");

    /// <summary>The RBAC-only cluster with an aadProfile and the other properties given.</summary>
    public static ManagedClusterDocument With(JsonObject aadProfile, bool? disableLocalAccounts = null)
    {
        var cluster = RbacOnly();
        cluster.Root["properties"]!["aadProfile"] = aadProfile;
        if (disableLocalAccounts is bool disable)
        {
            cluster.Root["properties"]!["disableLocalAccounts"] = disable;
        }

        return cluster;
    }

    /// <summary>The legacy integration as the 2026-08-01 schema describes aadProfile (clientAppID, serverAppID, tenantID); GET never returns serverAppSecret.</summary>
    public static ManagedClusterDocument Legacy() => With(new JsonObject
    {
        ["clientAppID"] = "11111111-2222-3333-4444-555555555555",
        ["serverAppID"] = "66666666-7777-8888-9999-000000000000",
        ["tenantID"] = Tenant,
    });
}
