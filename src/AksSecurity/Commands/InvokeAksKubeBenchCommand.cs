using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tools.KubeBench;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Runs kube-bench on a cluster's Linux nodes, one Job per node, and writes one KubeBenchCheckResult per check and node
/// as each node finishes, then one KubeBenchNodeSummary per node. A node without results is also a non-terminating error.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "AksKubeBench", DefaultParameterSetName = ByIdSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(KubeBenchCheckResult), typeof(KubeBenchNodeSummary))]
public sealed class InvokeAksKubeBenchCommand : KubernetesCmdlet
{
    private KubeBenchRequest? _request;

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KubernetesNodeNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] NodeName { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NodeSelector { get; set; }

    [Parameter]
    [ValidateSet(KubeBenchBenchmark.Aks10, KubeBenchBenchmark.Aks17, KubeBenchBenchmark.Aks18)]
    public string? Benchmark { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageRegistry { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = KubeBenchManifests.DefaultNamespace;

    [Parameter]
    [ValidateRange(1, 100)]
    public int ThrottleLimit { get; set; } = KubeBenchRequest.DefaultThrottleLimit;

    [Parameter]
    public TimeSpan Timeout { get; set; } = KubeBenchRequest.DefaultTimeout;

    [Parameter]
    public SwitchParameter Summary { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            // Bad images, namespaces and timeouts stop the command before any cluster is reached.
            _request = new KubeBenchRequest(NodeName, NodeSelector, Benchmark, Image, ImageRegistry, Namespace, ThrottleLimit, Timeout);
        }
        catch (AksSecurityException ex)
        {
            Fail(ex);
        }
    }

    protected override void ProcessRecord() => ForItem(KubernetesTargetText, () =>
    {
        var request = _request!;
        var target = KubernetesTarget();
        using var session = Run((sink, token) => KubernetesSession.OpenAsync(target, sink, token));
        var plan = Run((sink, token) => KubeBenchRunner.PlanAsync(session, request, sink, token));
        if (!ShouldProcess(plan.Describe(), $"{plan.Describe()}{Environment.NewLine}Create these objects?", "Invoke-AksKubeBench"))
        {
            return;
        }

        var summaries = new List<KubeBenchNodeSummary>();
        RunStream((sink, token) => KubeBenchRunner.RunAsync(session, plan, sink, token), report =>
        {
            summaries.Add(report.Summary);
            if (!Summary)
            {
                WriteObject(report.Checks, enumerateCollection: true);
            }

            if (report.Error is { } error)
            {
                WriteError(ErrorRecords.From(error, report.Summary.Node));
            }
        });

        WriteObject(summaries.OrderBy(s => s.Node, StringComparer.Ordinal), enumerateCollection: true);
    });
}
