using System.Net;
using System.Text.Json.Nodes;
using AksSecurity.TestServers;
using static AksSecurity.Engine.Tests.TestServers.FakeKubernetesServerTests;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>The controllers the fake plays: Job (kube-bench style, per behaviour), DaemonSet, deletion propagation, pod logs.</summary>
public sealed class KubernetesControllerTests : IClassFixture<FakeKubernetesFixture>
{
    private const string Jobs = "/apis/batch/v1/namespaces/default/jobs";
    private static readonly string Node1 = FakeKubernetesServer.NodeNames[1];
    private readonly FakeKubernetesFixture _fixture;
    private readonly FakeKubernetesServer _server;

    public KubernetesControllerTests(FakeKubernetesFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Kubernetes;
        fixture.Reset();
    }

    /// <summary>A kube-bench-like Job pinned by nodeSelector kubernetes.io/hostname (or not pinned when <paramref name="node"/> is null).</summary>
    internal static JsonObject Job(string name, string? node, JsonObject? placement = null)
    {
        var podSpec = new JsonObject
        {
            ["hostPID"] = true,
            ["restartPolicy"] = "Never",
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "kube-bench",
                ["image"] = "docker.io/aquasec/kube-bench:v0.15.6",
                ["command"] = new JsonArray("kube-bench", "run", "--targets", "node", "--json"),
            }),
        };
        if (node is not null)
        {
            podSpec["nodeSelector"] = new JsonObject { ["kubernetes.io/hostname"] = node };
        }

        foreach (var (key, value) in placement ?? [])
        {
            podSpec[key] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["backoffLimit"] = 0, ["template"] = new JsonObject { ["spec"] = podSpec } },
        };
    }

    private async Task<JsonObject> WaitForJobAsync(string name, string condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            var job = _server.GetObject("batch/v1", "Job", "default", name)!;
            if (job["status"]?["conditions"] is JsonArray conditions && conditions.Any(c => (string?)c!["type"] == condition))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {name} did not reach {condition}: {job["status"]}");
            await Task.Delay(20);
        }
    }

    private JsonObject PodOf(string job) =>
        Assert.Single(_server.ListObjects("v1", "Pod", "default"), p => (string?)p["metadata"]!["labels"]?["job-name"] == job);

    [Fact]
    public async Task A_job_runs_one_pod_on_its_node_and_completes_with_the_kube_bench_log()
    {
        using var client = _fixture.CreateClient();
        // Long enough to see the pod Pending even on a busy machine.
        _server.Options.PodPhaseDelay = TimeSpan.FromMilliseconds(300);
        var (created, _) = await SendAsync(client, HttpMethod.Post, Jobs, Job("kube-bench-node1", Node1));
        Assert.Equal(HttpStatusCode.Created, created);

        var pod = PodOf("kube-bench-node1");
        var podName = (string)pod["metadata"]!["name"]!;
        Assert.Matches("^kube-bench-node1-[bcdfghjklmnpqrstvwxz2456789]{5}$", podName);
        Assert.Equal(Node1, (string?)pod["spec"]!["nodeName"]);
        Assert.Equal("Job", (string?)pod["metadata"]!["ownerReferences"]![0]!["kind"]);
        Assert.Equal("Pending", (string?)pod["status"]!["phase"]);

        var job = await WaitForJobAsync("kube-bench-node1", "Complete");
        Assert.Equal(1, (int?)job["status"]!["succeeded"]);
        Assert.NotNull(job["status"]!["completionTime"]);
        Assert.Equal("Succeeded", (string?)_server.GetObject("v1", "Pod", "default", podName)!["status"]!["phase"]);

        var log = await client.GetStringAsync($"/api/v1/namespaces/default/pods/{podName}/log");
        Assert.Equal(FakeKubernetesOptions.KubeBenchFixture("result.json").TrimEnd('\n') + "\n", log);

        var onNode = (await SendAsync(client, HttpMethod.Get, $"/api/v1/pods?fieldSelector=spec.nodeName%3D{Node1}")).Body["items"]!.AsArray();
        Assert.Equal(podName, (string?)Assert.Single(onNode)!["metadata"]!["name"]);
    }

    [Fact]
    public async Task Per_node_logs_and_required_node_affinity_choose_what_the_pod_prints_and_where()
    {
        using var client = _fixture.CreateClient();
        _server.Options.KubeBenchLog = node => $"{{\"node\":\"{node}\"}}";
        var affinity = JsonNode.Parse("""
            {"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[
              {"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["NODE"]}]}]}}}
            """.Replace("NODE", FakeKubernetesServer.NodeNames[2], StringComparison.Ordinal))!;
        await SendAsync(client, HttpMethod.Post, Jobs, Job("affine", null, new JsonObject { ["affinity"] = affinity }));
        await WaitForJobAsync("affine", "Complete");
        var pod = PodOf("affine");
        Assert.Equal(FakeKubernetesServer.NodeNames[2], (string?)pod["spec"]!["nodeName"]);
        var log = await client.GetStringAsync($"/api/v1/namespaces/default/pods/{pod["metadata"]!["name"]}/log");
        Assert.Equal($"{{\"node\":\"{FakeKubernetesServer.NodeNames[2]}\"}}\n", log);
    }

    [Fact]
    public async Task A_hanging_job_leaves_its_pod_pending_and_unscheduled()
    {
        using var client = _fixture.CreateClient();
        _server.Options.JobBehavior = JobBehavior.Hang;
        await SendAsync(client, HttpMethod.Post, Jobs, Job("stuck", Node1));
        await Task.Delay(FakeKubernetesFixture.PodPhaseDelay * 3);

        var pod = PodOf("stuck");
        Assert.Equal("Pending", (string?)pod["status"]!["phase"]);
        Assert.Null(pod["spec"]!["nodeName"]);
        Assert.Equal("Unschedulable", (string?)pod["status"]!["conditions"]![0]!["reason"]);
        var job = _server.GetObject("batch/v1", "Job", "default", "stuck")!;
        Assert.Null(job["status"]!["conditions"]);
        Assert.Equal(1, (int?)job["status"]!["active"]);

        var (status, body) = await SendAsync(client, HttpMethod.Get, $"/api/v1/namespaces/default/pods/{pod["metadata"]!["name"]}/log");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith("is waiting to start: ContainerCreating", (string?)body["message"]);
    }

    [Fact]
    public async Task A_failing_job_fails_its_pod_and_logs_an_error()
    {
        using var client = _fixture.CreateClient();
        _server.Options.JobBehavior = JobBehavior.Fail;
        await SendAsync(client, HttpMethod.Post, Jobs, Job("broken", Node1));
        var job = await WaitForJobAsync("broken", "Failed");
        Assert.Equal(1, (int?)job["status"]!["failed"]);
        Assert.Equal("BackoffLimitExceeded", (string?)job["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Failed")!["reason"]);
        var pod = PodOf("broken");
        Assert.Equal("Failed", (string?)pod["status"]!["phase"]);
        Assert.Equal(1, (int?)pod["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["exitCode"]);
        var log = await client.GetStringAsync($"/api/v1/namespaces/default/pods/{pod["metadata"]!["name"]}/log");
        Assert.Contains("failed to run kube-bench", log);
    }

    [Fact]
    public async Task Deleting_a_job_without_a_policy_orphans_its_pod_and_background_deletes_it()
    {
        using var client = _fixture.CreateClient();
        await SendAsync(client, HttpMethod.Post, Jobs, Job("orphaning", Node1));
        var orphanName = (string)PodOf("orphaning")["metadata"]!["name"]!;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Delete, Jobs + "/orphaning")).Status);
        var orphan = _server.GetObject("v1", "Pod", "default", orphanName);
        Assert.NotNull(orphan);
        Assert.Null(orphan["metadata"]!["ownerReferences"]);

        await SendAsync(client, HttpMethod.Post, Jobs, Job("cleaned", Node1));
        var cleanedName = (string)PodOf("cleaned")["metadata"]!["name"]!;
        await SendAsync(client, HttpMethod.Delete, Jobs + "/cleaned", new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = "Background" });
        Assert.Null(_server.GetObject("v1", "Pod", "default", cleanedName));

        await SendAsync(client, HttpMethod.Post, Jobs, Job("by-query", Node1));
        var queryName = (string)PodOf("by-query")["metadata"]!["name"]!;
        await SendAsync(client, HttpMethod.Delete, Jobs + "/by-query?propagationPolicy=Foreground");
        Assert.Null(_server.GetObject("v1", "Pod", "default", queryName));
        Assert.NotNull(_server.GetObject("v1", "Pod", "default", orphanName));
    }

    [Fact]
    public async Task A_daemonset_runs_a_ready_pod_on_every_matching_node()
    {
        using var client = _fixture.CreateClient();
        var daemonSet = DaemonSet("falco", nodeSelector: null);
        var (created, _) = await ApplyAsync(client, "/apis/apps/v1/namespaces/kube-system/daemonsets/falco", daemonSet, "aks-security");
        Assert.Equal(HttpStatusCode.Created, created);

        var live = _server.GetObject("apps/v1", "DaemonSet", "kube-system", "falco")!;
        var status = live["status"]!;
        Assert.Equal(3, (int?)status["desiredNumberScheduled"]);
        Assert.Equal(3, (int?)status["numberReady"]);
        Assert.Equal(3, (int?)status["updatedNumberScheduled"]);
        Assert.Equal(3, (int?)status["numberAvailable"]);
        Assert.Equal(1, (long?)status["observedGeneration"]);
        var pods = (await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dfalco")).Body["items"]!.AsArray();
        Assert.Equal(FakeKubernetesServer.NodeNames, pods.Select(p => (string?)p!["spec"]!["nodeName"]).Order());
        Assert.All(pods, p => Assert.Equal("Running", (string?)p!["status"]!["phase"]));

        // A changed template replaces the pods; a narrower nodeSelector keeps one.
        var narrowed = DaemonSet("falco", nodeSelector: FakeKubernetesServer.NodeNames[0]);
        await ApplyAsync(client, "/apis/apps/v1/namespaces/kube-system/daemonsets/falco", narrowed, "aks-security");
        var after = _server.GetObject("apps/v1", "DaemonSet", "kube-system", "falco")!;
        Assert.Equal(2, (long?)after["metadata"]!["generation"]);
        Assert.Equal(1, (int?)after["status"]!["desiredNumberScheduled"]);
        Assert.Equal(2, (long?)after["status"]!["observedGeneration"]);
        Assert.Single(_server.ListObjects("v1", "Pod", "kube-system"));

        await SendAsync(client, HttpMethod.Delete, "/apis/apps/v1/namespaces/kube-system/daemonsets/falco");
        Assert.Empty(_server.ListObjects("v1", "Pod", "kube-system"));
    }

    [Fact]
    public async Task Daemonsets_can_be_left_unready()
    {
        using var client = _fixture.CreateClient();
        _server.Options.DaemonSetsBecomeReady = false;
        await ApplyAsync(client, "/apis/apps/v1/namespaces/kube-system/daemonsets/kured", DaemonSet("kured", null), "aks-security");
        var status = _server.GetObject("apps/v1", "DaemonSet", "kube-system", "kured")!["status"]!;
        Assert.Equal(3, (int?)status["desiredNumberScheduled"]);
        Assert.Equal(0, (int?)status["numberReady"]);
        Assert.Equal(3, (int?)status["numberUnavailable"]);
        Assert.All(_server.ListObjects("v1", "Pod", "kube-system"), p => Assert.Equal("Pending", (string?)p["status"]!["phase"]));
    }

    [Fact]
    public async Task A_seeded_daemonset_with_a_status_is_kept_as_given()
    {
        var seeded = DaemonSet("csi-secrets-store-provider-azure", null);
        seeded["status"] = new JsonObject { ["desiredNumberScheduled"] = 3, ["numberReady"] = 2 };
        _server.PutObject(seeded);
        Assert.Equal(2, (int?)_server.GetObject("apps/v1", "DaemonSet", "kube-system", "csi-secrets-store-provider-azure")!["status"]!["numberReady"]);
        Assert.Empty(_server.ListObjects("v1", "Pod", "kube-system"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Pod_logs_honour_container_since_tail_and_timestamps()
    {
        using var client = _fixture.CreateClient();
        _server.PutObject(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"falco-x","namespace":"kube-system"},
             "spec":{"nodeName":"aks-nodepool1-12345678-vmss000000","containers":[{"name":"falco","image":"falco"},{"name":"sidecar","image":"s"}]},
             "status":{"phase":"Running"}}
            """)!.AsObject());
        var t0 = new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero);
        _server.AppendPodLog("kube-system", "falco-x", "falco", "one\ntwo\n", t0);
        _server.AppendPodLog("kube-system", "falco-x", "falco", "three", t0.AddMinutes(1));
        _server.AppendPodLog("kube-system", "falco-x", "sidecar", "side", t0);
        const string Log = "/api/v1/namespaces/kube-system/pods/falco-x/log";

        var (status, body) = await SendAsync(client, HttpMethod.Get, Log);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("a container name must be specified for pod falco-x, choose one of: [falco sidecar]", (string?)body["message"]);
        Assert.Equal("container nope is not valid for pod falco-x", (string?)(await SendAsync(client, HttpMethod.Get, Log + "?container=nope")).Body["message"]);

        Assert.Equal("one\ntwo\nthree\n", await client.GetStringAsync(Log + "?container=falco"));
        Assert.Equal("three\n", await client.GetStringAsync(Log + "?container=falco&sinceTime=" + Uri.EscapeDataString("2026-11-27T07:00:30Z")));
        Assert.Equal("two\nthree\n", await client.GetStringAsync(Log + "?container=falco&tailLines=2"));
        Assert.Equal("2026-11-27T07:01:00.000000000Z three\n", await client.GetStringAsync(Log + "?container=falco&tailLines=1&timestamps=true"));
        Assert.Equal("side\n", await client.GetStringAsync(Log + "?container=sidecar"));
        Assert.Equal("", await client.GetStringAsync(Log + "?container=falco&sinceSeconds=5"));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(client, HttpMethod.Get, "/api/v1/namespaces/kube-system/pods/none/log")).Status);
    }

    [Fact]
    public async Task Following_a_log_streams_lines_appended_later_until_the_client_stops()
    {
        using var client = _fixture.CreateClient();
        _server.PutObject(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"falco-y","namespace":"kube-system"},
             "spec":{"containers":[{"name":"falco","image":"falco"}]},"status":{"phase":"Running"}}
            """)!.AsObject());
        _server.AppendPodLog("kube-system", "falco-y", null, "before");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        using var response = await client.GetAsync("/api/v1/namespaces/kube-system/pods/falco-y/log?follow=true", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("before", await reader.ReadLineAsync(cancel.Token));
        _server.AppendPodLog("kube-system", "falco-y", null, "{\"rule\":\"Terminal shell in container\"}\nafter");
        Assert.Equal("{\"rule\":\"Terminal shell in container\"}", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("after", await reader.ReadLineAsync(cancel.Token));
    }

    [Fact]
    public async Task Following_a_job_pod_log_ends_when_the_pod_finishes()
    {
        using var client = _fixture.CreateClient();
        _server.Options.KubeBenchLog = _ => "done";
        await SendAsync(client, HttpMethod.Post, Jobs, Job("followed", Node1));
        await Task.Delay(FakeKubernetesFixture.PodPhaseDelay + TimeSpan.FromMilliseconds(20));
        var podName = (string)PodOf("followed")["metadata"]!["name"]!;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var text = await client.GetStringAsync($"/api/v1/namespaces/default/pods/{podName}/log?follow=true", cancel.Token);
        Assert.Equal("done\n", text);
    }

    private static JsonObject DaemonSet(string name, string? nodeSelector)
    {
        var podSpec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = $"example/{name}:1" }) };
        if (nodeSelector is not null)
        {
            podSpec["nodeSelector"] = new JsonObject { ["kubernetes.io/hostname"] = nodeSelector };
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "kube-system" },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = podSpec,
                },
            },
        };
    }
}
