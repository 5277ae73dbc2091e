using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>Reads the Microsoft x-ms-examples copied under Fixtures/ (see Fixtures/SOURCE.md).</summary>
internal static class ExampleFixtures
{
    private const string Aks = "containerservice/2026-08-01/examples/";
    public const string ManagedClustersGet = Aks + "ManagedClustersGet.json";
    public const string PrivateClusterPublicFqdn = Aks + "ManagedClustersCreate_PrivateClusterPublicFQDN.json";
    public const string EnableAzureRbac = Aks + "ManagedClustersCreate_UpdateWithEnableAzureRBAC.json";
    public const string DisableRunCommand = Aks + "ManagedClustersCreate_DisableRunCommand.json";
    public const string ListUserCredentials = Aks + "ManagedClustersListClusterUserCredentials.json";
    public const string ListAdminCredentials = Aks + "ManagedClustersListClusterAdminCredentials.json";
    public const string KubernetesVersionsList = Aks + "KubernetesVersions_List.json";
    public const string PolicyStatesSummarize = "policy/PolicyStates_SummarizeResourceScope.json";
    public const string ListPricings = "security/2024-01-01/examples/ListPricings_example.json";
    public const string ResourcesFirstPageQuery = "resourcegraph/2022-10-01/examples/ResourcesFirstPageQuery.json";
    public const string WorkspacesGet = "operationalinsights/2025-02-01/examples/WorkspacesGet.json";

    private static readonly string FixturesDirectory = Path.Combine(Path.GetDirectoryName(typeof(ExampleFixtures).Assembly.Location)!, "Fixtures", "arm");

    private static readonly ConcurrentDictionary<string, JsonNode> Parsed = new();

    /// <summary>A private copy of <c>responses[status].body</c> of an example file (path relative to Fixtures/arm).</summary>
    public static JsonObject ResponseBody(string file, string status)
    {
        var example = Parsed.GetOrAdd(file, name => JsonNode.Parse(File.ReadAllText(Path.Combine(FixturesDirectory, name)))!);
        return example["responses"]?[status]?["body"]?.DeepClone().AsObject()
            ?? throw new InvalidDataException($"{file} has no body for status {status}.");
    }
}
