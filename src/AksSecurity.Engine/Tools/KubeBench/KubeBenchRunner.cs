using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Fleet;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.KubeBench;

/// <summary>One node's outcome: its checks and totals, or the error that left it without (then <see cref="Checks"/> is empty).</summary>
public sealed record KubeBenchNodeReport(KubeBenchNodeSummary Summary, IReadOnlyList<KubeBenchCheckResult> Checks, AksSecurityException? Error);

/// <summary>What a run will create, decided from reads only (nodes, /version, the namespace); -WhatIf shows <see cref="Describe"/>.</summary>
public sealed class KubeBenchPlan
{
    internal KubeBenchPlan(string cluster, KubeBenchRequest request, string benchmark, string runId, bool createsNamespace, bool ownsNamespace,
        IReadOnlyList<KubeBenchNode> nodes, IReadOnlyList<(KubeBenchNode Node, string Reason)> notReady)
    {
        Cluster = cluster;
        Request = request;
        Benchmark = benchmark;
        RunId = runId;
        CreatesNamespace = createsNamespace;
        OwnsNamespace = ownsNamespace;
        Nodes = nodes;
        NotReady = notReady;
        Jobs = nodes.Select(n => KubeBenchManifests.Job(request.Namespace, runId, n, request.Image, benchmark, request.Timeout)).ToArray();
    }

    public string Cluster { get; }
    public string Benchmark { get; }
    public string Image => Request.Image;
    public string Namespace => Request.Namespace;

    /// <summary>The label value that marks this run's Jobs.</summary>
    public string RunId { get; }

    /// <summary>True when the namespace does not exist yet: the run creates it, and deletes it at the end.</summary>
    public bool CreatesNamespace { get; }

    /// <summary>The nodes that get a Job.</summary>
    public IReadOnlyList<KubeBenchNode> Nodes { get; }

    /// <summary>Nodes that match but are not Ready: no Job is started there, and each is reported as an error.</summary>
    public IReadOnlyList<(KubeBenchNode Node, string Reason)> NotReady { get; }

    internal KubeBenchRequest Request { get; }

    /// <summary>The namespace already existed with our labels (left by a run that was killed): it is deleted at the end too.</summary>
    internal bool OwnsNamespace { get; }

    internal IReadOnlyList<JsonObject> Jobs { get; }

    /// <summary>Every object the run creates, in order (the namespace only when it is new).</summary>
    internal IReadOnlyList<JsonObject> Objects =>
        (CreatesNamespace ? new[] { KubeBenchManifests.Namespace(Namespace) } : Array.Empty<JsonObject>())
        .Append(KubeBenchManifests.ServiceAccount(Namespace)).Concat(Jobs).ToArray();

    /// <summary>The lines ShouldProcess shows: what is created, where, and that it is deleted again.</summary>
    public string Describe()
    {
        var lines = new List<string>
        {
            $"Run kube-bench {Benchmark} ({Image}) on {Nodes.Count} node(s) of '{Cluster}', then delete the Jobs{(CreatesNamespace ? " and the namespace" : "")}:",
        };
        if (CreatesNamespace)
        {
            lines.Add($"  create Namespace {Namespace} (pod-security.kubernetes.io/enforce=privileged: kube-bench needs hostPID)");
        }

        lines.Add($"  apply ServiceAccount {Namespace}/{KubeBenchManifests.ServiceAccountName} (no token mounted, no Role or binding)");
        lines.AddRange(Nodes.Select(n => $"  create Job {Namespace}/{KubeBenchManifests.JobName(RunId, n.Name)} on node {n.Name}"));
        lines.AddRange(NotReady.Select(n => $"  skip node {n.Node.Name}: {n.Reason}"));
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>
/// Runs kube-bench as one Job per node: plans from reads, then creates the namespace (when missing), the ServiceAccount and
/// the Jobs — at most ThrottleLimit at a time —, waits for each with progress and a timeout, reads and parses each pod's log,
/// and always deletes what it created: every Job with its pods (propagation Background), also on cancellation, timeout or
/// error, with a token of its own; then the namespace when the run created it.
/// </summary>
public static class KubeBenchRunner
{
    /// <summary>How long the cleanup may take after the run's own token is cancelled (Ctrl+C).</summary>
    internal static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Lines of a failed Job's log quoted in its error.</summary>
    private const int FailedLogLines = 5;

    private const string OsLabel = "kubernetes.io/os";

    /// <summary>Reads the nodes, the Kubernetes version (unless -Benchmark) and the namespace; sends no change.</summary>
    public static async Task<KubeBenchPlan> PlanAsync(KubernetesSession session, KubeBenchRequest request, IOperationSink sink, CancellationToken ct)
    {
        session.ReportTo(sink);
        var all = await session.Objects.ListAsync("v1", "Node", null, null, ct).ConfigureAwait(false);
        var selected = request.NodeSelector is null ? all : await session.Objects.ListAsync("v1", "Node", null, request.NodeSelector, ct).ConfigureAwait(false);
        var nodes = SelectNodes(session.ClusterName, all, selected, request);

        var benchmark = request.Benchmark;
        if (benchmark is null)
        {
            var version = await session.GetServerVersionAsync(ct).ConfigureAwait(false);
            benchmark = KubeBenchBenchmark.ForKubernetesVersion(version);
            sink.Verbose($"kube-bench: Kubernetes {version} → benchmark {benchmark} (as kube-bench picks it).");
        }

        var existing = await session.Objects.GetAsync("v1", "Namespace", null, request.Namespace, ct).ConfigureAwait(false);
        var ready = nodes.Where(n => NotReadyReason(n) is null).Select(ToNode).ToArray();
        var notReady = nodes.Where(n => NotReadyReason(n) is not null).Select(n => (ToNode(n), NotReadyReason(n)!)).ToArray();
        return new KubeBenchPlan(session.ClusterName, request, benchmark, KubeBenchManifests.NewRunId(), existing is null,
            existing is not null && KubernetesOwnership.IsOwnedBy(existing, KubeBenchManifests.Component), ready, notReady);
    }

    /// <summary>Runs the plan; a report per node in completion order (not-Ready nodes first, as errors).</summary>
    public static async IAsyncEnumerable<KubeBenchNodeReport> RunAsync(KubernetesSession session, KubeBenchPlan plan, IOperationSink sink,
        [EnumeratorCancellation] CancellationToken ct)
    {
        session.ReportTo(sink);
        var objects = session.Objects;
        var createdNamespace = false;
        var createdAccount = false;
        try
        {
            foreach (var (node, reason) in plan.NotReady)
            {
                yield return Failed(plan, node.Name, new AksSecurityException(AksErrorKind.ResourceBusy, $"Node '{node.Name}' is not Ready ({reason}): kube-bench was not run on it.", node.Name));
            }

            if (plan.Nodes.Count == 0)
            {
                yield break;
            }

            createdNamespace = await EnsureNamespaceAsync(session, plan, sink, ct).ConfigureAwait(false);
            var account = await objects.ApplyAsync(KubeBenchManifests.ServiceAccount(plan.Namespace), force: false, ct).ConfigureAwait(false);
            createdAccount = account.Outcome == ApplyOutcome.Created;

            var done = 0;
            const string overall = "kube-bench";
            sink.Progress(overall, $"0 of {plan.Nodes.Count} nodes done", 0);
            var jobs = plan.Nodes.Zip(plan.Jobs).ToArray();
            await foreach (var outcome in BoundedParallel.RunCapturingFailuresAsync(jobs, plan.Request.ThrottleLimit,
                               (pair, token) => RunNodeAsync(session, plan, pair.First, pair.Second, sink, token), ct).ConfigureAwait(false))
            {
                done++;
                sink.Progress(overall, $"{done} of {plan.Nodes.Count} nodes done", done * 100 / plan.Nodes.Count);
                yield return outcome.Result ?? Failed(plan, outcome.Item.First.Name, outcome.Error as AksSecurityException
                    ?? new AksSecurityException(AksErrorKind.OperationFailed, $"kube-bench on node '{outcome.Item.First.Name}' failed: {outcome.Error!.Message}", outcome.Item.First.Name, outcome.Error));
            }
        }
        finally
        {
            await CleanUpAsync(session, plan, createdNamespace, createdAccount, sink).ConfigureAwait(false);
        }
    }

    private static IReadOnlyList<JsonObject> SelectNodes(string cluster, IReadOnlyList<JsonObject> all, IReadOnlyList<JsonObject> selected, KubeBenchRequest request)
    {
        var selector = request.NodeSelector is null ? "" : $" with -NodeSelector '{request.NodeSelector}'";
        if (request.NodeNames.Count == 0)
        {
            var linux = selected.Where(IsLinux).ToList();
            return linux.Count > 0 ? linux
                : throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"No Linux node of '{cluster}' matches{selector}. {Existing(all)}", request.NodeSelector ?? cluster);
        }

        var chosen = new List<JsonObject>();
        var unknown = new List<string>();
        foreach (var pattern in request.NodeNames)
        {
            var matches = selected.Where(n => Wildcard.IsMatch(NameOf(n), pattern)).ToList();
            if (matches.Count == 0)
            {
                unknown.Add(pattern);
                continue;
            }

            if (!Wildcard.HasWildcards(pattern) && !IsLinux(matches[0]))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"Node '{NameOf(matches[0])}' runs {Label(matches[0], OsLabel)}; kube-bench checks Linux nodes only.", pattern);
            }

            chosen.AddRange(matches.Where(IsLinux).Where(m => !chosen.Contains(m)));
        }

        if (unknown.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound,
                $"No node of '{cluster}' is named {string.Join(", ", unknown.Select(u => $"'{u}'"))}{selector}; nothing was created. {Existing(all)}", string.Join(",", unknown));
        }

        return chosen.Count > 0 ? chosen
            : throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"The nodes named {string.Join(", ", request.NodeNames)} of '{cluster}' are not Linux nodes. {Existing(all)}", string.Join(",", request.NodeNames));
    }

    private static string Existing(IReadOnlyList<JsonObject> all) =>
        all.Count == 0 ? "The cluster has no nodes." : $"Its nodes: {string.Join(", ", all.Select(n => $"{NameOf(n)} ({Label(n, OsLabel) ?? "no os label"})"))}.";

    /// <summary>A node without the os label (very old kubelets) is taken as Linux, as the scheduler's default is.</summary>
    private static bool IsLinux(JsonObject node) => Label(node, OsLabel) is null or "linux";

    private static string NameOf(JsonObject obj) => (string)obj["metadata"]!["name"]!;

    private static string? Label(JsonObject obj, string key) => obj["metadata"]?["labels"]?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static KubeBenchNode ToNode(JsonObject node) => new(NameOf(node), Label(node, KubeBenchManifests.HostnameLabel) ?? NameOf(node));

    /// <summary>Why a node cannot run a pod now (its Ready condition False or Unknown), or null; a node that reports no condition is tried.</summary>
    private static string? NotReadyReason(JsonObject node)
    {
        var ready = (node["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Ready");
        return ready is null || (string?)ready["status"] == "True" ? null : $"Ready={(string?)ready["status"]}{(ready["reason"] is { } reason ? $", {reason}" : "")}";
    }

    /// <summary>Creates the namespace when missing (after waiting out one still terminating from an earlier run); true when it did.</summary>
    private static async Task<bool> EnsureNamespaceAsync(KubernetesSession session, KubeBenchPlan plan, IOperationSink sink, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + plan.Request.Timeout;
        while (await session.Objects.GetAsync("v1", "Namespace", null, plan.Namespace, ct).ConfigureAwait(false) is { } existing)
        {
            if (existing["metadata"]?["deletionTimestamp"] is null)
            {
                return false;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new AksSecurityException(AksErrorKind.OperationTimeout,
                    $"Namespace {plan.Namespace} is still being deleted after {plan.Request.Timeout}; wait for it or pass another -Namespace.", plan.Namespace);
            }

            sink.Progress("kube-bench", $"Waiting for namespace {plan.Namespace} to finish terminating", -1);
            await Task.Delay(plan.Request.PollInterval, ct).ConfigureAwait(false);
        }

        await session.Objects.ApplyAsync(KubeBenchManifests.Namespace(plan.Namespace), force: false, ct).ConfigureAwait(false);
        sink.Verbose($"kube-bench: created namespace {plan.Namespace}.");
        return true;
    }

    private static async Task<KubeBenchNodeReport> RunNodeAsync(KubernetesSession session, KubeBenchPlan plan, KubeBenchNode node, JsonObject job, IOperationSink sink,
        CancellationToken ct)
    {
        var objects = session.Objects;
        var name = KubeBenchManifests.JobName(plan.RunId, node.Name);
        var activity = $"kube-bench on {node.Name}";
        try
        {
            sink.Progress(activity, "Creating the Job", -1);
            await objects.CreateAsync(job, ct).ConfigureAwait(false);
            var deadline = DateTimeOffset.UtcNow + plan.Request.Timeout;
            while (true)
            {
                var live = await objects.GetAsync("batch/v1", "Job", plan.Namespace, name, ct).ConfigureAwait(false)
                    ?? throw new AksSecurityException(AksErrorKind.OperationFailed, $"The kube-bench Job {plan.Namespace}/{name} of node '{node.Name}' was deleted while it ran.", node.Name);
                var pod = await FindPodAsync(session, plan.Namespace, name, ct).ConfigureAwait(false);
                if (Count(live, "succeeded") > 0)
                {
                    if (pod is null)
                    {
                        throw new AksSecurityException(AksErrorKind.OperationFailed,
                            $"The kube-bench Job on node '{node.Name}' succeeded but its pod is gone, so its log cannot be read.", node.Name);
                    }

                    sink.Progress(activity, "Reading the log", -1);
                    var log = await objects.ReadLogAsync(plan.Namespace, NameOf(pod), KubeBenchManifests.ContainerName, null, null, ct).ConfigureAwait(false);
                    var checks = KubeBenchOutput.Parse(log, plan.Cluster, node.Name);
                    var summary = KubeBenchOutput.Summarize(plan.Cluster, node.Name, plan.Benchmark, checks);
                    sink.Progress(activity, $"Done: {summary.Pass} PASS, {summary.Fail} FAIL, {summary.Warn} WARN, {summary.Info} INFO", 100);
                    return new KubeBenchNodeReport(summary, checks, null);
                }

                var state = PodState(pod);
                // The cluster's own deadline (activeDeadlineSeconds) may end the Job a moment before ours: the same timeout.
                if (DateTimeOffset.UtcNow > deadline || FailedCondition(live) is { Reason: "DeadlineExceeded" })
                {
                    throw new AksSecurityException(AksErrorKind.OperationTimeout,
                        $"kube-bench did not finish on node '{node.Name}' within {plan.Request.Timeout} ({state}); its Job was deleted. Raise -Timeout, or check that the node can pull {plan.Image}.", node.Name);
                }

                if (FailedCondition(live) is { } failure)
                {
                    var tail = pod is null ? "" : await LogTailAsync(session, plan.Namespace, NameOf(pod), ct).ConfigureAwait(false);
                    throw new AksSecurityException(AksErrorKind.OperationFailed,
                        $"The kube-bench Job on node '{node.Name}' failed ({failure.Text}).{(tail.Length > 0 ? $" Its log ends: {tail}" : "")}", node.Name);
                }

                sink.Progress(activity, state, -1);
                await Task.Delay(plan.Request.PollInterval, ct).ConfigureAwait(false);
            }
        }
        catch (AksSecurityException ex)
        {
            sink.Progress(activity, "Failed", 100);
            return Failed(plan, node.Name, ex);
        }
        finally
        {
            await DeleteJobAsync(session, plan.Namespace, name, sink).ConfigureAwait(false);
        }
    }

    private static KubeBenchNodeReport Failed(KubeBenchPlan plan, string node, AksSecurityException error) =>
        new(new KubeBenchNodeSummary { Cluster = plan.Cluster, Node = node, Benchmark = plan.Benchmark, Error = error.Message }, Array.Empty<KubeBenchCheckResult>(), error);

    private static async Task<JsonObject?> FindPodAsync(KubernetesSession session, string ns, string job, CancellationToken ct) =>
        (await session.Objects.ListAsync("v1", "Pod", ns, $"{KubeBenchManifests.JobLabel}={job}", ct).ConfigureAwait(false))
        .OrderByDescending(p => (string?)p["metadata"]?["creationTimestamp"], StringComparer.Ordinal)
        .FirstOrDefault();

    private static long Count(JsonObject job, string field) => job["status"]?[field] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    /// <summary>Why a Job failed: its Failed condition's reason (BackoffLimitExceeded, DeadlineExceeded) and the text to show.</summary>
    private sealed record JobFailure(string Reason, string Text);

    /// <summary>The Job's failure, or null while it has none.</summary>
    private static JobFailure? FailedCondition(JsonObject job)
    {
        var failed = (job["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] == "Failed" && (string?)c["status"] == "True");
        if (failed is not null)
        {
            var reason = (string?)failed["reason"] ?? "";
            return new JobFailure(reason, string.Join(": ", new[] { reason, (string?)failed["message"] }.Where(s => !string.IsNullOrEmpty(s))));
        }

        return Count(job, "failed") > 0 ? new JobFailure("", "its pod failed") : null;
    }

    /// <summary>"pod Pending: Unschedulable: 0/3 nodes are available…", "pod Running", "no pod yet": what progress and a timeout say.</summary>
    private static string PodState(JsonObject? pod)
    {
        if (pod is null)
        {
            // The Job controller could not create one: admission (Azure Policy's pod security initiative in Deny) refuses hostPID pods.
            return "no pod yet: if it never comes, an admission policy may refuse hostPID pods, e.g. Set-AksPolicyInitiative -ExcludedNamespace for this namespace";
        }

        var phase = (string?)pod["status"]?["phase"] ?? "Pending";
        var waiting = (pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>()
            .Select(s => s["state"]?["waiting"]).OfType<JsonObject>().FirstOrDefault();
        var unscheduled = (pod["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => (string?)c["type"] == "PodScheduled" && (string?)c["status"] == "False");
        var detail = waiting ?? unscheduled;
        var why = detail is null ? "" : string.Join(": ", new[] { (string?)detail["reason"], (string?)detail["message"] }.Where(s => !string.IsNullOrEmpty(s)));
        return why.Length > 0 ? $"pod {phase}: {why}" : $"pod {phase}";
    }

    private static async Task<string> LogTailAsync(KubernetesSession session, string ns, string pod, CancellationToken ct)
    {
        try
        {
            var log = await session.Objects.ReadLogAsync(ns, pod, KubeBenchManifests.ContainerName, null, FailedLogLines, ct).ConfigureAwait(false);
            return string.Join(" | ", log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        catch (AksSecurityException)
        {
            // A pod that never started has no log; the Job's condition says enough then.
            return "";
        }
    }

    /// <summary>Deletes one Job and its pods with a token of its own, so Ctrl+C cannot leave it behind; a failure is a warning.</summary>
    private static async Task DeleteJobAsync(KubernetesSession session, string ns, string name, IOperationSink sink)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await session.Objects.DeleteAsync("batch/v1", "Job", ns, name, cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AksSecurityException or OperationCanceledException)
        {
            sink.Warning($"The kube-bench Job {ns}/{name} could not be deleted ({ex.Message}); the cluster removes it {KubeBenchManifests.TtlSecondsAfterFinished / 60} minutes after it ends (ttlSecondsAfterFinished), or delete it with kubectl.");
        }
    }

    /// <summary>
    /// Deletes every Job of the run still there (one whose create was sent but whose answer was lost to Ctrl+C included), then
    /// the namespace when the run created it or an earlier killed run left it, and no one else's Job is in it; in a namespace
    /// that stays, the ServiceAccount when the run created it.
    /// </summary>
    private static async Task CleanUpAsync(KubernetesSession session, KubeBenchPlan plan, bool createdNamespace, bool createdAccount, IOperationSink sink)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            var left = await session.Objects.ListAsync("batch/v1", "Job", plan.Namespace, $"{KubeBenchManifests.RunLabel}={plan.RunId}", cleanup.Token).ConfigureAwait(false);
            foreach (var job in left)
            {
                await DeleteJobAsync(session, plan.Namespace, NameOf(job), sink).ConfigureAwait(false);
            }

            if (createdNamespace || plan.OwnsNamespace)
            {
                var others = await session.Objects.ListAsync("batch/v1", "Job", plan.Namespace, null, cleanup.Token).ConfigureAwait(false);
                if (!others.Any(j => (string?)j["metadata"]?["labels"]?[KubeBenchManifests.RunLabel] != plan.RunId))
                {
                    await session.Objects.DeleteAsync("v1", "Namespace", null, plan.Namespace, cleanup.Token).ConfigureAwait(false);
                    sink.Verbose($"kube-bench: deleted namespace {plan.Namespace}.");
                    return;
                }

                sink.Verbose($"kube-bench: namespace {plan.Namespace} is kept: another run's Jobs are in it.");
            }

            if (createdAccount)
            {
                await session.Objects.DeleteAsync("v1", "ServiceAccount", plan.Namespace, KubeBenchManifests.ServiceAccountName, cleanup.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is AksSecurityException or OperationCanceledException)
        {
            sink.Warning($"kube-bench could not finish cleaning up namespace {plan.Namespace} ({ex.Message}); delete the Jobs labelled {KubeBenchManifests.RunLabel}={plan.RunId} with kubectl.");
        }
    }
}
