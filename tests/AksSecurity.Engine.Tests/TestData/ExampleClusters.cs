using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Cluster documents for the tests: the published examples in examples/clusters/ (see its README for sources).</summary>
internal static class ExampleClusters
{
    public static string ExamplesDirectory { get; } = FindExamples();

    public static ManagedClusterDocument Load(string file) =>
        new((JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(ExamplesDirectory, file)))!, file);

    /// <summary>The public cluster from ManagedClustersGet.json with the given API server access profile.</summary>
    public static ManagedClusterDocument PublicWith(JsonObject? apiServerAccessProfile)
    {
        var document = Load("dev-open.json");
        if (apiServerAccessProfile is not null)
        {
            document.Root["properties"]!["apiServerAccessProfile"] = apiServerAccessProfile;
        }

        return document;
    }

    private static string FindExamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "clusters");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("examples/clusters not found above " + AppContext.BaseDirectory);
    }
}
