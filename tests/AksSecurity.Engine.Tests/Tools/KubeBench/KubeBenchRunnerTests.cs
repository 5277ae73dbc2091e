using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tests.TestServers;
using AksSecurity.Engine.Tools.KubeBench;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Tools.KubeBench;

/// <summary>kube-bench runs against the fake Kubernetes API server, whose Job controller plays each Job's pod on the node its affinity names.</summary>
public class KubeBenchRunnerTests : IClassFixture<FakeKubernetesFixture>
{
    private const string Namespace = KubeBenchManifests.DefaultNamespace;
    private static readonly string[] Nodes = FakeKubernetesServer.NodeNames.ToArray();
    private static readonly string[] RbacResources = { "/roles", "/rolebindings", "/clusterroles", "/clusterrolebindings" };

    private readonly FakeKubernetesFixture _fixture;
    private readonly RecordingSink _sink = new();

    public KubeBenchRunnerTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        fixture.Reset();
        fixture.Kubernetes.Options.KubeBenchLog = _ => KubeBenchSamples.Read(KubeBenchSamples.AksNode);
    }

    private FakeKubernetesServer Server => _fixture.Kubernetes;

    private static KubeBenchRequest Request(string[]? nodes = null, string? ns = null, int timeoutSeconds = 30) =>
        new(nodeNames: nodes, ns: ns, timeout: TimeSpan.FromSeconds(timeoutSeconds)) { PollInterval = TimeSpan.FromMilliseconds(50) };

    private async Task<KubernetesSession> OpenAsync() =>
        await KubernetesSession.OpenAsync(KubernetesTarget.FromKubeConfig(_fixture.WriteKubeConfig(), null), _sink, CancellationToken.None);

    private async Task<List<KubeBenchNodeReport>> RunAsync(KubernetesSession session, KubeBenchPlan plan, CancellationToken ct = default)
    {
        var reports = new List<KubeBenchNodeReport>();
        await foreach (var report in KubeBenchRunner.RunAsync(session, plan, _sink, ct))
        {
            reports.Add(report);
        }

        return reports;
    }

    private void AssertNothingLeft(string ns = Namespace, bool namespaceDeleted = true)
    {
        Assert.Empty(Server.ListObjects("batch/v1", "Job", ns));
        Assert.Empty(Server.ListObjects("v1", "Pod", ns));
        Assert.Equal(namespaceDeleted, Server.GetObject("v1", "Namespace", null, ns) is null);
    }

    private IEnumerable<KubernetesRecordedRequest> Writes => Server.Requests.Where(r => r.Method is not "GET");

    [Fact]
    public async Task A_run_over_three_nodes_reports_every_check_and_leaves_nothing_behind()
    {
        await using var session = await OpenAsync();

        var plan = await KubeBenchRunner.PlanAsync(session, Request(), _sink, CancellationToken.None);
        Assert.Empty(Writes);
        var reports = await RunAsync(session, plan);

        Assert.Equal("aks-1.7", plan.Benchmark); // the fake reports v1.31.2
        Assert.True(plan.CreatesNamespace);
        Assert.Equal(Nodes, reports.Select(r => r.Summary.Node).Order());
        Assert.All(reports, r =>
        {
            Assert.Null(r.Error);
            Assert.Equal(13, r.Checks.Count);
            Assert.Equal((11, 2, 0, 0), (r.Summary.Pass, r.Summary.Fail, r.Summary.Warn, r.Summary.Info));
            Assert.All(r.Checks, c => Assert.Equal(r.Summary.Node, c.Node));
        });
        Assert.Equal(3, Writes.Count(r => r.Method == "POST" && r.Path.EndsWith("/jobs", StringComparison.Ordinal)));
        Assert.Equal(3, Writes.Count(r => r.Method == "DELETE" && r.Path.Contains("/jobs/", StringComparison.Ordinal) && r.Query.Contains("propagationPolicy=Background")));
        Assert.DoesNotContain(Server.Requests, r => RbacResources.Any(p => r.Path.Contains(p, StringComparison.Ordinal)));
        Assert.Contains(_sink.Of("progress"), p => p.StartsWith($"kube-bench on {Nodes[0]}: Done: 11 PASS, 2 FAIL", StringComparison.Ordinal));
        AssertNothingLeft();
    }

    [Fact]
    public async Task Through_arm_each_job_runs_on_the_node_it_names()
    {
        // A different log per node: a report with that node's log proves its pod ran there.
        Server.Options.KubeBenchLog = node => node == Nodes[1] ? KubeBenchSamples.AksNodeWithStatus("FAIL") : KubeBenchSamples.AksNodeWithStatus("PASS");
        var connection = await ArmConnection.ConnectAsync(_fixture.AccessTokenRequest(), _sink, CancellationToken.None);
        var target = KubernetesTarget.FromCluster(connection, ClusterResourceId.Parse(FakeKubernetesFixture.ClusterId("rg1", "clustername1")), admin: false);
        await using var session = await KubernetesSession.OpenAsync(target, _sink, CancellationToken.None);

        var plan = await KubeBenchRunner.PlanAsync(session, Request(nodes: new[] { "*vmss000001", Nodes[2] }), _sink, CancellationToken.None);
        var reports = await RunAsync(session, plan);

        Assert.Equal(new[] { Nodes[1], Nodes[2] }, plan.Nodes.Select(n => n.Name));
        Assert.Equal(13, reports.Single(r => r.Summary.Node == Nodes[1]).Summary.Fail);
        Assert.Equal(13, reports.Single(r => r.Summary.Node == Nodes[2]).Summary.Pass);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_node_whose_job_hangs_times_out_alone_and_every_job_is_deleted()
    {
        await using var session = await OpenAsync();
        var plan = await KubeBenchRunner.PlanAsync(session, Request(timeoutSeconds: 2), _sink, CancellationToken.None);
        // The node's hostname label changes after planning: its Job's affinity then matches no node, so its pod is never scheduled.
        var node = Server.GetObject("v1", "Node", null, Nodes[2])!;
        node["metadata"]!["labels"]!["kubernetes.io/hostname"] = "renamed";
        Server.PutObject(node);

        var reports = await RunAsync(session, plan);

        var hung = reports.Single(r => r.Summary.Node == Nodes[2]);
        Assert.Equal(AksErrorKind.OperationTimeout, hung.Error!.Kind);
        Assert.Contains($"kube-bench did not finish on node '{Nodes[2]}' within 00:00:02 (pod Pending: Unschedulable", hung.Summary.Error);
        Assert.Empty(hung.Checks);
        Assert.All(reports.Where(r => r != hung), r => Assert.Equal(13, r.Checks.Count));
        AssertNothingLeft();
    }

    [Fact]
    public async Task Failed_jobs_are_errors_quoting_their_log_and_are_deleted()
    {
        Server.Options.JobBehavior = JobBehavior.Fail;
        await using var session = await OpenAsync();

        var reports = await RunAsync(session, await KubeBenchRunner.PlanAsync(session, Request(), _sink, CancellationToken.None));

        Assert.Equal(3, reports.Count);
        Assert.All(reports, r =>
        {
            Assert.Equal(AksErrorKind.OperationFailed, r.Error!.Kind);
            Assert.Contains($"The kube-bench Job on node '{r.Summary.Node}' failed (BackoffLimitExceeded", r.Summary.Error);
            Assert.Contains("Its log ends: ", r.Summary.Error);
        });
        AssertNothingLeft();
    }

    [Fact]
    public async Task The_clusters_own_deadline_is_the_same_timeout()
    {
        Server.Options.JobBehavior = JobBehavior.Hang;
        await using var session = await OpenAsync();
        var plan = await KubeBenchRunner.PlanAsync(session, Request(nodes: new[] { Nodes[0] }), _sink, CancellationToken.None);

        var run = RunAsync(session, plan);
        JsonObject? job = null;
        for (var i = 0; i < 200 && job is null; i++)
        {
            await Task.Delay(25);
            job = Server.ListObjects("batch/v1", "Job", Namespace).SingleOrDefault();
        }

        // What the Job controller writes when activeDeadlineSeconds passes.
        job!["status"] = new JsonObject
        {
            ["failed"] = 1,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Failed", ["status"] = "True", ["reason"] = "DeadlineExceeded", ["message"] = "Job was active longer than specified deadline" }),
        };
        Server.PutObject(job);
        var report = Assert.Single(await run);

        Assert.Equal(AksErrorKind.OperationTimeout, report.Error!.Kind);
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_namespace_still_terminating_is_waited_for_within_the_timeout()
    {
        Server.PutObject(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = Namespace, ["deletionTimestamp"] = "2026-01-01T00:00:00Z", ["finalizers"] = new JsonArray("kubernetes") },
        });
        await using var session = await OpenAsync();
        var plan = await KubeBenchRunner.PlanAsync(session, Request(timeoutSeconds: 1), _sink, CancellationToken.None);

        var error = await Assert.ThrowsAsync<AksSecurityException>(() => RunAsync(session, plan));

        Assert.Equal(AksErrorKind.OperationTimeout, error.Kind);
        Assert.Contains($"Namespace {Namespace} is still being deleted", error.Message);
        Assert.DoesNotContain(Writes, r => r.Method == "POST");
    }

    [Fact]
    public async Task Cancelling_deletes_every_job_and_pod_and_the_namespace()
    {
        Server.Options.JobBehavior = JobBehavior.Hang;
        await using var session = await OpenAsync();
        var plan = await KubeBenchRunner.PlanAsync(session, Request(), _sink, CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var run = RunAsync(session, plan, cts.Token);
        for (var i = 0; i < 200 && Server.ListObjects("batch/v1", "Job", Namespace).Count < 3; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(3, Server.ListObjects("batch/v1", "Job", Namespace).Count);
        Assert.Equal(3, Server.ListObjects("v1", "Pod", Namespace).Count);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        AssertNothingLeft();
    }

    [Fact]
    public async Task An_unknown_node_is_refused_naming_the_nodes_that_exist_and_nothing_is_created()
    {
        await using var session = await OpenAsync();

        var error = await Assert.ThrowsAsync<AksSecurityException>(() => KubeBenchRunner.PlanAsync(session, Request(nodes: new[] { "aks-*", "nope" }), _sink, CancellationToken.None));

        Assert.Equal(AksErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("'nope'", error.Message);
        Assert.All(Nodes, n => Assert.Contains(n, error.Message));
        Assert.Empty(Writes);
    }

    [Fact]
    public async Task A_node_whose_log_is_not_json_is_an_error_and_the_others_are_reported()
    {
        Server.Options.KubeBenchLog = node => node == Nodes[0] ? KubeBenchSamples.Read("Expected_output.txt") : KubeBenchSamples.Read(KubeBenchSamples.AksNode);
        await using var session = await OpenAsync();

        var reports = await RunAsync(session, await KubeBenchRunner.PlanAsync(session, Request(), _sink, CancellationToken.None));

        var text = reports.Single(r => r.Summary.Node == Nodes[0]);
        Assert.Equal(AksErrorKind.InvalidData, text.Error!.Kind);
        Assert.False(text.Summary.Succeeded);
        Assert.Equal(26, reports.Sum(r => r.Checks.Count));
        AssertNothingLeft();
    }

    [Fact]
    public async Task A_namespace_that_existed_is_kept_with_only_our_objects_removed()
    {
        Server.PutObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "security-tools" } });
        await using var session = await OpenAsync();

        var plan = await KubeBenchRunner.PlanAsync(session, Request(nodes: new[] { Nodes[0] }, ns: "security-tools"), _sink, CancellationToken.None);
        var reports = await RunAsync(session, plan);

        Assert.False(plan.CreatesNamespace);
        Assert.DoesNotContain("create Namespace", plan.Describe());
        Assert.Null(Assert.Single(reports).Error);
        AssertNothingLeft("security-tools", namespaceDeleted: false);
        Assert.Null(Server.GetObject("v1", "ServiceAccount", "security-tools", KubeBenchManifests.ServiceAccountName));
    }

    [Fact]
    public async Task A_node_that_is_not_ready_gets_no_job_and_is_reported()
    {
        var node = Server.GetObject("v1", "Node", null, Nodes[1])!;
        node["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = "KubeletNotReady" });
        Server.PutObject(node);
        await using var session = await OpenAsync();

        var plan = await KubeBenchRunner.PlanAsync(session, Request(), _sink, CancellationToken.None);
        var reports = await RunAsync(session, plan);

        Assert.Contains($"skip node {Nodes[1]}: Ready=False, KubeletNotReady", plan.Describe());
        Assert.Equal(AksErrorKind.ResourceBusy, reports.Single(r => r.Summary.Node == Nodes[1]).Error!.Kind);
        Assert.Equal(2, Writes.Count(r => r.Method == "POST" && r.Path.EndsWith("/jobs", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_plan_lists_what_would_be_created_from_reads_only()
    {
        await using var session = await OpenAsync();

        var plan = await KubeBenchRunner.PlanAsync(session, new KubeBenchRequest(benchmark: "aks-1.8", imageRegistry: "myacr.azurecr.io"), _sink, CancellationToken.None);
        var text = plan.Describe();

        Assert.Empty(Writes);
        Assert.StartsWith("Run kube-bench aks-1.8 (myacr.azurecr.io/aquasec/kube-bench:v0.15.6) on 3 node(s) of 'fake-aks'", text);
        Assert.Contains($"create Namespace {Namespace}", text);
        Assert.Contains($"apply ServiceAccount {Namespace}/kube-bench (no token mounted, no Role or binding)", text);
        Assert.All(Nodes, n => Assert.Contains($"create Job {Namespace}/{KubeBenchManifests.JobName(plan.RunId, n)} on node {n}", text));
        Assert.DoesNotContain(Server.Requests, r => r.Path == "/version");
        Assert.Equal(new[] { "Namespace", "ServiceAccount", "Job", "Job", "Job" }, plan.Objects.Select(o => (string)o["kind"]!));
    }

    [Fact]
    public async Task Test_AksSecurity_IncludeNode_adds_node_findings_beside_the_arm_findings()
    {
        Server.Options.KubeBenchLog = node => node == Nodes[1] ? KubeBenchSamples.Read(KubeBenchSamples.AksNode) : KubeBenchSamples.AksNodeWithStatus("PASS");
        var connection = await ArmConnection.ConnectAsync(_fixture.AccessTokenRequest(), _sink, CancellationToken.None);
        var audit = new SecurityAudit(nodeBenchmark: new NodeBenchmarkReader(connection));

        var result = await audit.EvaluateAsync(connection, ClusterResourceId.Parse(FakeKubernetesFixture.ClusterId("rg1", "clustername1")), audit.CreateReaders(), _sink, CancellationToken.None);

        Assert.Contains(result.Findings, f => f.CheckId.StartsWith("AKS-API-", StringComparison.Ordinal));
        var node = result.Findings.Where(f => f.CheckId.StartsWith("AKS-NODE-", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { NodeChecks.ReadOnlyPort, NodeChecks.RotateServerCertificate }, node.Select(f => f.CheckId));
        Assert.Contains($"FAIL on 1 of 3 node(s): {Nodes[1]} read", node[0].Evidence);
        Assert.Equal(13, result.ChecksRun.Count(id => id.StartsWith("AKS-NODE-", StringComparison.Ordinal)));
        AssertNothingLeft();
    }
}
