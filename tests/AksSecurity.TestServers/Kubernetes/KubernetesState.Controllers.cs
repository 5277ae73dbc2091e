using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>The controllers the fake plays: namespace (default ServiceAccount), Job (one pod), DaemonSet (a pod per matching node); pod logs.</summary>
internal sealed partial class KubernetesState
{
    public const string JobFailureLogLine = "E1127 07:00:00.000000       1 run.go:74] failed to run kube-bench: unable to read the kubelet configuration: exit status 1";

    /// <summary>A copy of the log lines of a container, oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset Time, string Text)> LogOf(string ns, string pod, string container) =>
        _logs.TryGetValue(LogKey(ns, pod, container), out var lines) ? lines.Select(l => (l.Time, l.Text)).ToArray() : [];

    public void AppendLog(string ns, string pod, string container, string text, DateTimeOffset time)
    {
        if (!_logs.TryGetValue(LogKey(ns, pod, container), out var lines))
        {
            lines = [];
            _logs[LogKey(ns, pod, container)] = lines;
        }

        var body = text.EndsWith('\n') ? text[..^1] : text;
        lines.AddRange(body.Split('\n').Select(line => new LogLine(time, line.TrimEnd('\r'))));
    }

    /// <summary>Plays the pod phases that are due by <paramref name="now"/> (Pending → Running → Succeeded/Failed) and the Job status that follows.</summary>
    public void Advance(DateTimeOffset now)
    {
        foreach (var timeline in _timelines.ToArray())
        {
            var pods = Find("", "pods")!;
            if (Get(pods, timeline.Namespace, timeline.Pod) is not { } pod)
            {
                _timelines.Remove(timeline);
                continue;
            }

            var running = timeline.Created + timeline.Delay;
            var finished = running + timeline.Delay;
            if (!timeline.Started && now >= running)
            {
                timeline.Started = true;
                pod["status"] = PodStatus("Running", timeline.Node, pod, running, null, null);
                Touch(pod);
                UpdateJob(timeline, job => job["status"]!["ready"] = 1);
            }

            if (timeline.Started && now >= finished)
            {
                _timelines.Remove(timeline);
                var failed = timeline.Behavior == JobBehavior.Fail;
                var container = FirstContainer(pod) ?? "";
                AppendLog(timeline.Namespace, timeline.Pod, container, failed ? JobFailureLogLine : JobLog(timeline.Node), finished);
                pod["status"] = PodStatus(failed ? "Failed" : "Succeeded", timeline.Node, pod, running, finished, failed ? 1 : 0);
                Touch(pod);
                UpdateJob(timeline, job => job["status"] = failed ? FailedJobStatus(job, finished) : CompletedJobStatus(job, finished));
            }
        }
    }

    public static string? FirstContainer(JsonObject pod) => pod["spec"]?["containers"]?[0]?["name"]?.GetValue<string>();

    public static IReadOnlyList<string> ContainerNames(JsonObject pod, string list = "containers") =>
        pod["spec"]?[list] is JsonArray containers ? containers.Select(c => c?["name"]?.GetValue<string>() ?? "").ToArray() : [];

    private void React(ResourceType type, JsonObject? old, JsonObject obj, DateTimeOffset now)
    {
        if (type.IsCustom || type.Group is not ("" or "apps" or "batch"))
        {
            return;
        }

        switch (type.Plural)
        {
            case "namespaces" when old is null:
                var serviceAccount = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = obj["metadata"]!["name"]!.GetValue<string>() },
                };
                Commit(Find("", "serviceaccounts")!, null, serviceAccount, now);
                break;
            case "jobs" when old is null:
                StartJob(obj, now);
                break;
            case "daemonsets" when old is null || GenerationOf(old) != GenerationOf(obj):
                ReconcileDaemonSet(obj, now);
                break;
        }
    }

    private static long? GenerationOf(JsonObject obj) => obj["metadata"]?["generation"]?.GetValue<long>();

    private void StartJob(JsonObject job, DateTimeOffset now)
    {
        var metadata = (JsonObject)job["metadata"]!;
        var name = metadata["name"]!.GetValue<string>();
        var ns = metadata["namespace"]!.GetValue<string>();
        var uid = metadata["uid"]!.GetValue<string>();
        var spec = job["spec"] as JsonObject ?? new JsonObject();
        job["spec"] = spec;
        var template = spec["template"]?.DeepClone() as JsonObject ?? new JsonObject();

        // What the Job API adds on create (pkg/registry/batch/job/strategy.go): the selector and these template labels.
        var jobLabels = new JsonObject
        {
            ["batch.kubernetes.io/controller-uid"] = uid,
            ["batch.kubernetes.io/job-name"] = name,
            ["controller-uid"] = uid,
            ["job-name"] = name,
        };
        spec["selector"] ??= new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var templateMetadata = template["metadata"] as JsonObject ?? new JsonObject();
        template["metadata"] = templateMetadata;
        var labels = templateMetadata["labels"] as JsonObject ?? new JsonObject();
        templateMetadata["labels"] = labels;
        foreach (var (key, value) in jobLabels)
        {
            labels[key] = value!.DeepClone();
        }

        spec["template"] = template.DeepClone();
        job["status"] = new JsonObject { ["startTime"] = Timestamp(now), ["active"] = 1, ["ready"] = 0, ["terminating"] = 0, ["uncountedTerminatedPods"] = new JsonObject() };

        var behavior = options.JobBehavior;
        var podSpec = template["spec"]?.DeepClone() as JsonObject ?? new JsonObject();
        var node = behavior == JobBehavior.Hang ? null : ChooseNode(podSpec);
        if (node is not null)
        {
            podSpec["nodeName"] = node;
        }

        var podMetadata = templateMetadata.DeepClone().AsObject();
        podMetadata["name"] = GenerateName(name + "-");
        podMetadata["generateName"] = name + "-";
        podMetadata["namespace"] = ns;
        podMetadata["ownerReferences"] = OwnerReference("batch/v1", "Job", name, uid);
        var pod = new JsonObject { ["metadata"] = podMetadata, ["spec"] = podSpec };
        pod["status"] = node is null ? UnschedulableStatus(now) : PodStatus("Pending", node, pod, now, null, null);
        Commit(Find("", "pods")!, null, pod, now, playControllers: false);
        if (node is not null)
        {
            _timelines.Add(new PodTimeline(ns, podMetadata["name"]!.GetValue<string>(), name, node, now, options.PodPhaseDelay, behavior));
        }
    }

    private void ReconcileDaemonSet(JsonObject daemonSet, DateTimeOffset now)
    {
        var metadata = (JsonObject)daemonSet["metadata"]!;
        var name = metadata["name"]!.GetValue<string>();
        var ns = metadata["namespace"]!.GetValue<string>();
        var uid = metadata["uid"]!.GetValue<string>();
        var template = daemonSet["spec"]?["template"] as JsonObject ?? new JsonObject();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())))[..10];
        var pods = Find("", "pods")!;
        var owned = List(pods, ns).Where(p => OwnedBy(p, uid)).ToArray();
        var nodes = List(Find("", "nodes")!, null)
            .Where(n => NodeMatches(template["spec"] as JsonObject ?? new JsonObject(), n))
            .Select(n => n["metadata"]!["name"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);

        foreach (var pod in owned)
        {
            var node = pod["spec"]?["nodeName"]?.GetValue<string>();
            if (pod["metadata"]?["labels"]?["controller-revision-hash"]?.GetValue<string>() != hash || node is null || !nodes.Contains(node))
            {
                Delete(pods, ns, pod["metadata"]!["name"]!.GetValue<string>(), "Background");
            }
        }

        var ready = options.DaemonSetsBecomeReady;
        var generation = metadata["generation"]?.GetValue<long>() ?? 1;
        foreach (var node in nodes.Where(n => !List(pods, ns).Any(p => OwnedBy(p, uid) && p["spec"]?["nodeName"]?.GetValue<string>() == n)).Order(StringComparer.Ordinal))
        {
            var podMetadata = template["metadata"]?.DeepClone() as JsonObject ?? new JsonObject();
            var labels = podMetadata["labels"] as JsonObject ?? new JsonObject();
            podMetadata["labels"] = labels;
            labels["controller-revision-hash"] = hash;
            labels["pod-template-generation"] = generation.ToString(CultureInfo.InvariantCulture);
            podMetadata["name"] = GenerateName(name + "-");
            podMetadata["generateName"] = name + "-";
            podMetadata["namespace"] = ns;
            podMetadata["ownerReferences"] = OwnerReference("apps/v1", "DaemonSet", name, uid);
            var podSpec = template["spec"]?.DeepClone() as JsonObject ?? new JsonObject();
            podSpec["nodeName"] = node;
            var pod = new JsonObject { ["metadata"] = podMetadata, ["spec"] = podSpec };
            pod["status"] = PodStatus(ready ? "Running" : "Pending", node, pod, now, null, null);
            Commit(pods, null, pod, now, playControllers: false);
        }

        var count = nodes.Count;
        var status = new JsonObject
        {
            ["currentNumberScheduled"] = count,
            ["desiredNumberScheduled"] = count,
            ["numberMisscheduled"] = 0,
            ["numberReady"] = ready ? count : 0,
            ["observedGeneration"] = generation,
            ["updatedNumberScheduled"] = count,
        };
        if (ready)
        {
            status["numberAvailable"] = count;
        }
        else if (count > 0)
        {
            status["numberUnavailable"] = count;
        }

        daemonSet["status"] = status;
    }

    /// <summary>spec.nodeName, else the first node (by name) that the nodeSelector and required node affinity accept; null when none does.</summary>
    private string? ChooseNode(JsonObject podSpec)
    {
        if (podSpec["nodeName"]?.GetValue<string>() is { Length: > 0 } nodeName)
        {
            return Get(Find("", "nodes")!, null, nodeName) is null ? null : nodeName;
        }

        return List(Find("", "nodes")!, null).Where(n => NodeMatches(podSpec, n)).Select(n => n["metadata"]!["name"]!.GetValue<string>()).FirstOrDefault();
    }

    private static bool NodeMatches(JsonObject podSpec, JsonObject node)
    {
        var labels = Selectors.LabelsOf(node);
        if (!Selectors.NodeSelectorMatches(podSpec["nodeSelector"] as JsonObject, labels))
        {
            return false;
        }

        if (podSpec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] is not JsonArray terms || terms.Count == 0)
        {
            return true;
        }

        var nodeName = node["metadata"]!["name"]!.GetValue<string>();
        return terms.OfType<JsonObject>().Any(term =>
            Requirements(term["matchExpressions"]).All(r => Satisfies(r, labels.TryGetValue(r.Key, out var v) ? v : null))
            && Requirements(term["matchFields"]).All(r => r.Key == "metadata.name" && Satisfies(r, nodeName)));
    }

    private static IEnumerable<(string Key, string Operator, string[] Values)> Requirements(JsonNode? list) =>
        list is JsonArray array
            ? array.OfType<JsonObject>().Select(r => (
                r["key"]?.GetValue<string>() ?? "",
                r["operator"]?.GetValue<string>() ?? "",
                r["values"] is JsonArray values ? values.Select(v => v?.ToString() ?? "").ToArray() : []))
            : [];

    private static bool Satisfies((string Key, string Operator, string[] Values) requirement, string? value) => requirement.Operator switch
    {
        "In" => value is not null && requirement.Values.Contains(value),
        "NotIn" => value is null || !requirement.Values.Contains(value),
        "Exists" => value is not null,
        "DoesNotExist" => value is null,
        "Gt" => long.TryParse(value, out var gt) && long.TryParse(requirement.Values.FirstOrDefault(), out var limit) && gt > limit,
        "Lt" => long.TryParse(value, out var lt) && long.TryParse(requirement.Values.FirstOrDefault(), out var upper) && lt < upper,
        _ => false,
    };

    private string JobLog(string node) =>
        options.KubeBenchLog?.Invoke(node)
        ?? (options.NodeLogs.TryGetValue(node, out var text) ? text : FakeKubernetesOptions.KubeBenchFixture("result.json"));

    private void UpdateJob(PodTimeline timeline, Action<JsonObject> change)
    {
        if (Get(Find("batch", "jobs")!, timeline.Namespace, timeline.Job) is { } job && job["status"] is JsonObject)
        {
            change(job);
            Touch(job);
        }
    }

    private void Touch(JsonObject obj) => obj["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private void DropPodState(string objectKey)
    {
        var parts = objectKey.Split('|');
        if (parts[0].Length != 0 || parts[1] != "pods")
        {
            return;
        }

        _timelines.RemoveAll(t => t.Namespace == parts[2] && t.Pod == parts[3]);
        foreach (var key in _logs.Keys.Where(k => k.StartsWith($"{parts[2]}/{parts[3]}/", StringComparison.Ordinal)).ToArray())
        {
            _logs.Remove(key);
        }
    }

    private static string LogKey(string ns, string pod, string container) => $"{ns}/{pod}/{container}";

    private static JsonArray OwnerReference(string apiVersion, string kind, string name, string uid) =>
        new(new JsonObject
        {
            ["apiVersion"] = apiVersion,
            ["kind"] = kind,
            ["name"] = name,
            ["uid"] = uid,
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        });

    private static JsonObject CompletedJobStatus(JsonObject job, DateTimeOffset finished) => new()
    {
        ["conditions"] = new JsonArray(
            JobCondition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", finished),
            JobCondition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", finished)),
        ["startTime"] = job["status"]?["startTime"]?.DeepClone(),
        ["completionTime"] = Timestamp(finished),
        ["succeeded"] = 1,
        ["ready"] = 0,
        ["terminating"] = 0,
        ["uncountedTerminatedPods"] = new JsonObject(),
    };

    private static JsonObject FailedJobStatus(JsonObject job, DateTimeOffset finished) => new()
    {
        ["conditions"] = new JsonArray(
            JobCondition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", finished),
            JobCondition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", finished)),
        ["startTime"] = job["status"]?["startTime"]?.DeepClone(),
        ["failed"] = 1,
        ["ready"] = 0,
        ["terminating"] = 0,
        ["uncountedTerminatedPods"] = new JsonObject(),
    };

    private static JsonObject JobCondition(string type, string reason, string message, DateTimeOffset time) => new()
    {
        ["type"] = type,
        ["status"] = "True",
        ["lastProbeTime"] = Timestamp(time),
        ["lastTransitionTime"] = Timestamp(time),
        ["reason"] = reason,
        ["message"] = message,
    };

    private static JsonObject UnschedulableStatus(DateTimeOffset now) => new()
    {
        ["phase"] = "Pending",
        ["conditions"] = new JsonArray(new JsonObject
        {
            ["type"] = "PodScheduled",
            ["status"] = "False",
            ["lastProbeTime"] = null,
            ["lastTransitionTime"] = Timestamp(now),
            ["reason"] = "Unschedulable",
            ["message"] = $"0/{NodeNames.Length} nodes are available: {NodeNames.Length} node(s) didn't match Pod's node affinity/selector. preemption: 0/{NodeNames.Length} nodes are available: {NodeNames.Length} Preemption is not helpful for scheduling.",
        }),
        ["qosClass"] = "BestEffort",
    };

    /// <summary>A scheduled pod's status in <paramref name="phase"/>, with one container status per container.</summary>
    private static JsonObject PodStatus(string phase, string node, JsonObject pod, DateTimeOffset started, DateTimeOffset? finished, int? exitCode)
    {
        var nodeIndex = Array.IndexOf(NodeNames, node);
        var running = phase == "Running";
        var containers = new JsonArray();
        foreach (var container in pod["spec"]?["containers"] as JsonArray ?? [])
        {
            JsonObject state = phase switch
            {
                "Pending" => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
                "Running" => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Timestamp(started) } },
                _ => new JsonObject
                {
                    ["terminated"] = new JsonObject
                    {
                        ["exitCode"] = exitCode ?? 0,
                        ["reason"] = exitCode is 0 or null ? "Completed" : "Error",
                        ["startedAt"] = Timestamp(started),
                        ["finishedAt"] = Timestamp(finished ?? started),
                        ["containerID"] = "containerd://" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
                    },
                },
            };
            containers.Add(new JsonObject
            {
                ["name"] = container?["name"]?.DeepClone(),
                ["image"] = container?["image"]?.DeepClone(),
                ["imageID"] = phase == "Pending" ? "" : $"{container?["image"]}@sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(container?["image"]?.ToString() ?? "")))}",
                ["ready"] = running,
                ["restartCount"] = 0,
                ["started"] = running,
                ["state"] = state,
            });
        }

        var status = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", phase == "Pending" ? "False" : "True", started),
                Condition("Initialized", "True", started),
                Condition("Ready", running ? "True" : "False", started),
                Condition("ContainersReady", running ? "True" : "False", started),
                Condition("PodScheduled", "True", started)),
            ["hostIP"] = nodeIndex >= 0 ? NodeIp(nodeIndex) : null,
            ["startTime"] = Timestamp(started),
            ["containerStatuses"] = containers,
            ["qosClass"] = "BestEffort",
        };
        if (phase != "Pending")
        {
            status["podIP"] = $"10.244.{Math.Max(nodeIndex, 0)}.{RandomNumberGenerator.GetInt32(2, 250)}";
        }

        return status;
    }

    private static JsonObject Condition(string type, string status, DateTimeOffset time) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = Timestamp(time),
    };

    private sealed class PodTimeline(string ns, string pod, string job, string node, DateTimeOffset created, TimeSpan delay, JobBehavior behavior)
    {
        public string Namespace { get; } = ns;

        public string Pod { get; } = pod;

        public string Job { get; } = job;

        public string Node { get; } = node;

        public DateTimeOffset Created { get; } = created;

        public TimeSpan Delay { get; } = delay;

        public JobBehavior Behavior { get; } = behavior;

        public bool Started { get; set; }
    }
}
