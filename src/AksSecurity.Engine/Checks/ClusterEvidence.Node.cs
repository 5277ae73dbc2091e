namespace AksSecurity.Engine.Checks;

/// <summary>kube-bench's results from the cluster's nodes, read online when Test-AksSecurity -IncludeNode asks.</summary>
public sealed partial class ClusterEvidence
{
    /// <summary>Null when kube-bench did not run (offline, not asked, or it could not): the node checks give no verdict.</summary>
    public NodeBenchmarkEvidence? NodeBenchmark { get; set; }

    /// <summary>Why kube-bench could not run on the nodes when it was asked to; null otherwise.</summary>
    public string? NodeBenchmarkUnavailable { get; set; }
}

/// <summary>One kube-bench run over a cluster's nodes: the benchmark, every check of every node, and each node's totals or error.</summary>
public sealed class NodeBenchmarkEvidence
{
    public NodeBenchmarkEvidence(string benchmark, IReadOnlyList<KubeBenchCheckResult> results, IReadOnlyList<KubeBenchNodeSummary> nodes)
    {
        Benchmark = benchmark;
        Results = results;
        Nodes = nodes;
    }

    /// <summary>The benchmark kube-bench ran, e.g. "aks-1.8".</summary>
    public string Benchmark { get; }

    public IReadOnlyList<KubeBenchCheckResult> Results { get; }

    /// <summary>One per node kube-bench was started on; those with an Error have no results.</summary>
    public IReadOnlyList<KubeBenchNodeSummary> Nodes { get; }
}
