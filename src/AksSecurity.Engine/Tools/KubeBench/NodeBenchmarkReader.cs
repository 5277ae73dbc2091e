using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.KubeBench;

/// <summary>
/// Test-AksSecurity -IncludeNode: runs kube-bench on every Linux node of the live cluster (through the user credential,
/// with the benchmark for its version) and puts the results in the evidence for the AKS-NODE checks. A node that failed is
/// a warning and leaves the verdict to the others; a run that could not start at all is a warning, and the node checks are
/// skipped with its reason.
/// </summary>
public sealed class NodeBenchmarkReader : IEvidenceReader
{
    private readonly ArmConnection _connection;
    private readonly KubeBenchRequest _request;

    public NodeBenchmarkReader(ArmConnection connection, KubeBenchRequest? request = null)
    {
        _connection = connection;
        _request = request ?? new KubeBenchRequest();
    }

    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
    {
        var cluster = evidence.View.Name;
        try
        {
            var target = KubernetesTarget.FromCluster(_connection, ClusterResourceId.Parse(evidence.View.Id), admin: false);
            await using var session = await KubernetesSession.OpenAsync(target, sink, cancellationToken).ConfigureAwait(false);
            var plan = await KubeBenchRunner.PlanAsync(session, _request, sink, cancellationToken).ConfigureAwait(false);
            var results = new List<KubeBenchCheckResult>();
            var nodes = new List<KubeBenchNodeSummary>();
            await foreach (var report in KubeBenchRunner.RunAsync(session, plan, sink, cancellationToken).ConfigureAwait(false))
            {
                results.AddRange(report.Checks);
                nodes.Add(report.Summary);
                if (report.Error is { } error)
                {
                    sink.Warning($"kube-bench on node '{report.Summary.Node}' of '{cluster}' gave no results, so the node checks rest on the other nodes: {error.Message}");
                }
            }

            evidence.NodeBenchmark = new NodeBenchmarkEvidence(plan.Benchmark, results, nodes);
        }
        catch (AksSecurityException ex)
        {
            sink.Warning($"kube-bench could not run on '{cluster}', so the node checks are skipped: {ex.Message}");
            evidence.NodeBenchmarkUnavailable = ex.Message;
        }
    }
}
