using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Published REST API examples copied into TestData/arm (sources in its SOURCE.md).</summary>
internal static class ArmExamples
{
    private static readonly string Directory = Find();

    /// <summary>The body of the example's response with <paramref name="status"/>.</summary>
    public static JsonObject ResponseBody(string file, string status = "200") =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, file)))!["responses"]![status]!["body"]!.DeepClone();

    /// <summary>The request body the example sends.</summary>
    public static JsonObject RequestBody(string file) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, file)))!["parameters"]!["parameters"]!.DeepClone();

    /// <summary>A cluster document from an example's 200 body.</summary>
    public static ManagedClusterDocument Cluster(string file) => new(ResponseBody(file), file);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "AksSecurity.Engine.Tests", "TestData", "arm");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/AksSecurity.Engine.Tests/TestData/arm not found above " + AppContext.BaseDirectory);
    }
}
