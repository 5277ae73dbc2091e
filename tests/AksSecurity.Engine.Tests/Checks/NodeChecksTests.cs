using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tools.KubeBench;

namespace AksSecurity.Engine.Tests.Checks;

public class NodeChecksTests
{
    private static readonly string[] NodeIds = CheckCatalog.All.Where(c => c.Category == CheckCategory.Node).Select(c => c.Id).ToArray();

    private static ClusterEvidence Online(NodeBenchmarkEvidence? nodes = null, string? unavailable = null) =>
        new(ExampleClusters.Load("dev-open.json"), online: true) { NodeBenchmark = nodes, NodeBenchmarkUnavailable = unavailable };

    private static SecurityAudit NodeAudit() => new(new AuditSelection { Categories = new[] { CheckCategory.Node } });

    [Fact]
    public void Every_node_check_is_a_benchmark_number_of_aks_1_7_and_1_8_read_from_kube_bench_only()
    {
        Assert.Equal(13, NodeIds.Length);
        Assert.Equal(NodeIds.Order(), NodeChecks.IdByBenchmarkNumber.Values.Order());
        foreach (var (number, id) in NodeChecks.IdByBenchmarkNumber)
        {
            var check = CheckCatalog.Get(id);
            Assert.Equal(new[] { number }, check.Cis);
            Assert.Equal(CheckEvidence.NodeBenchmark, check.Evidence);
            Assert.Empty(check.Inputs);
        }
    }

    [Fact]
    public void A_fail_on_any_node_is_one_finding_naming_the_nodes_with_actual_and_expected_values()
    {
        var passing = KubeBenchSamples.AksNodeWithStatus("PASS");
        // In completion order, not name order: the finding names them sorted.
        var evidence = Online(KubeBenchSamples.Evidence(("node-2", KubeBenchSamples.Read(KubeBenchSamples.AksNode)), ("node-0", passing), ("node-1", KubeBenchSamples.Read(KubeBenchSamples.AksNode))));

        var result = NodeChecks.Evaluate(evidence);

        Assert.Equal(NodeIds.Order(), result.ChecksRun.Order());
        Assert.Equal(new[] { NodeChecks.ReadOnlyPort, NodeChecks.RotateServerCertificate }, result.Findings.Select(f => f.CheckId));
        var finding = result.Findings[0];
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.StartsWith("kube-bench aks-1.8 3.2.4 FAIL on 2 of 3 node(s): node-1, node-2 read 'root ", finding.Evidence);
        Assert.Contains("Expected: '{.readOnlyPort}' is present AND '{.readOnlyPort}' is equal to '0'.", finding.Evidence);
        Assert.DoesNotContain("node-0", finding.Evidence);
        Assert.Contains("az aks nodepool upgrade --node-image-only", finding.Remediation);
        Assert.Equal("dev-open", finding.ClusterName);
    }

    [Fact]
    public void The_audit_gives_every_node_check_a_verdict_when_kube_bench_ran()
    {
        var evidence = Online(KubeBenchSamples.Evidence(("node-0", KubeBenchSamples.Read(KubeBenchSamples.AksNode))));

        var result = NodeAudit().Evaluate(evidence);

        Assert.Empty(result.Skipped);
        Assert.Equal(13, result.ChecksRun.Count);
        Assert.Equal(new[] { NodeChecks.ReadOnlyPort, NodeChecks.RotateServerCertificate }, result.Findings.Select(f => f.CheckId));
    }

    [Fact]
    public void Without_kube_bench_results_the_node_checks_are_skipped_and_say_why()
    {
        var offline = NodeAudit().Evaluate(new ClusterEvidence(ExampleClusters.Load("dev-open.json"), online: false));
        var notAsked = NodeAudit().Evaluate(Online());
        var failed = NodeAudit().Evaluate(Online(unavailable: "Creating namespace aks-security-kube-bench was forbidden."));

        Assert.All(new[] { offline, notAsked, failed }, r =>
        {
            Assert.Empty(r.ChecksRun);
            Assert.Equal(NodeIds, r.Skipped.Select(s => s.CheckId));
            Assert.Equal(100, r.Score);
        });
        Assert.StartsWith("Node checks run kube-bench on the cluster's nodes, so they are not run offline", offline.Skipped[0].Reason);
        Assert.StartsWith("Runs only with -IncludeNode (Test-AksSecurity, Assert-AksSecurity)", notAsked.Skipped[0].Reason);
        Assert.Equal("kube-bench could not run on the nodes: Creating namespace aks-security-kube-bench was forbidden.", failed.Skipped[0].Reason);
    }

    [Fact]
    public void Warn_and_info_everywhere_give_no_verdict_and_say_so()
    {
        var evidence = Online(KubeBenchSamples.Evidence(("node-0", KubeBenchSamples.AksNodeWithStatus("WARN")), ("node-1", KubeBenchSamples.AksNodeWithStatus("INFO"))));

        var result = NodeAudit().Evaluate(evidence);

        Assert.Empty(result.ChecksRun);
        Assert.Equal("kube-bench gave no verdict on any node: WARN on node-0; INFO on node-1.", result.Skipped[0].Reason);
    }

    [Fact]
    public void Nodes_that_failed_leave_the_verdict_to_the_others_and_all_failing_is_said()
    {
        var one = KubeBenchSamples.Evidence(("node-0", KubeBenchSamples.AksNodeWithStatus("PASS")));
        var withBroken = new NodeBenchmarkEvidence(one.Benchmark, one.Results, one.Nodes.Append(Broken("node-1")).ToList());
        var allBroken = new NodeBenchmarkEvidence(KubeBenchBenchmark.Aks18, Array.Empty<KubeBenchCheckResult>(), new[] { Broken("node-0"), Broken("node-1") });

        Assert.Equal(13, NodeAudit().Evaluate(Online(withBroken)).ChecksRun.Count);
        var skipped = NodeAudit().Evaluate(Online(allBroken)).Skipped[0].Reason;
        Assert.Equal("kube-bench gave no result on any node: node-0: The Job timed out.; node-1: The Job timed out.", skipped);
    }

    [Fact]
    public void The_aks_1_0_benchmark_has_only_manual_node_checks_and_gives_no_verdict()
    {
        var results = KubeBenchOutput.Parse(KubeBenchSamples.AksNodeWithStatus("WARN").Replace("aks-1.8", "aks-1.0"), "c", "node-0");
        var evidence = Online(new NodeBenchmarkEvidence(KubeBenchBenchmark.Aks10, results, new[] { KubeBenchOutput.Summarize("c", "node-0", "aks-1.0", results) }));

        var result = NodeAudit().Evaluate(evidence);

        Assert.Empty(result.ChecksRun);
        Assert.StartsWith("kube-bench ran the aks-1.0 benchmark, whose node checks are manual", result.Skipped[0].Reason);
    }

    private static KubeBenchNodeSummary Broken(string node) =>
        new() { Cluster = "c", Node = node, Benchmark = KubeBenchBenchmark.Aks18, Error = "The Job timed out." };
}
