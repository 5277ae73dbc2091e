using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tools.KubeBench;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>The kube-bench outputs in TestData/kube-bench (see SOURCE.md there) and node evidence made from them.</summary>
internal static class KubeBenchSamples
{
    /// <summary>The v0.15.6-shaped aks-1.8 node output: 11 PASS, 3.2.4 and 3.2.9 FAIL.</summary>
    public const string AksNode = "aks-1.8-node-v0.15.6.json";

    public static string Directory { get; } = Find();

    public static string Read(string file) => File.ReadAllText(Path.Combine(Directory, file));

    /// <summary>The AKS node output with every check's status set to <paramref name="status"/>.</summary>
    public static string AksNodeWithStatus(string status)
    {
        var root = JsonNode.Parse(Read(AksNode))!;
        foreach (var check in root["Controls"]!.AsArray().SelectMany(c => c!["tests"]!.AsArray()).SelectMany(g => g!["results"]!.AsArray()))
        {
            check!["status"] = status;
        }

        return root.ToJsonString();
    }

    /// <summary>Node evidence as kube-bench would give it for the given node outputs.</summary>
    public static NodeBenchmarkEvidence Evidence(params (string Node, string Log)[] nodes)
    {
        var results = nodes.SelectMany(n => KubeBenchOutput.Parse(n.Log, "cluster1", n.Node)).ToList();
        var summaries = nodes.Select(n => KubeBenchOutput.Summarize("cluster1", n.Node, KubeBenchBenchmark.Aks18, results.Where(r => r.Node == n.Node).ToList())).ToList();
        return new NodeBenchmarkEvidence(KubeBenchBenchmark.Aks18, results, summaries);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "AksSecurity.Engine.Tests", "TestData", "kube-bench");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/AksSecurity.Engine.Tests/TestData/kube-bench not found above " + AppContext.BaseDirectory);
    }
}
