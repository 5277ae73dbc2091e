using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>Reads the Microsoft x-ms-examples copied under Fixtures/ (see Fixtures/SOURCE.md).</summary>
internal static class ExampleFixtures
{
    public const string ManagedClustersGet = "ManagedClustersGet.json";
    public const string PrivateClusterPublicFqdn = "ManagedClustersCreate_PrivateClusterPublicFQDN.json";
    public const string EnableAzureRbac = "ManagedClustersCreate_UpdateWithEnableAzureRBAC.json";
    public const string DisableRunCommand = "ManagedClustersCreate_DisableRunCommand.json";
    public const string ListUserCredentials = "ManagedClustersListClusterUserCredentials.json";
    public const string ListAdminCredentials = "ManagedClustersListClusterAdminCredentials.json";

    private static readonly string ExamplesDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ExampleFixtures).Assembly.Location)!,
        "Fixtures", "arm", "containerservice", "2026-08-01", "examples");

    private static readonly ConcurrentDictionary<string, JsonNode> Parsed = new();

    /// <summary>A private copy of <c>responses[status].body</c> of an example file.</summary>
    public static JsonObject ResponseBody(string file, string status)
    {
        var example = Parsed.GetOrAdd(file, name => JsonNode.Parse(File.ReadAllText(Path.Combine(ExamplesDirectory, name)))!);
        return example["responses"]?[status]?["body"]?.DeepClone().AsObject()
            ?? throw new InvalidDataException($"{file} has no body for status {status}.");
    }
}
