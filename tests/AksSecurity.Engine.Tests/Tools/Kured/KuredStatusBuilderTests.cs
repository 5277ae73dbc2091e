using System.Text.Json.Nodes;
using AksSecurity.Engine.Tools.Kured;

namespace AksSecurity.Engine.Tests.Tools.Kured;

public class KuredStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    internal static JsonObject DaemonSet(string? lockAnnotationValue, string lockAnnotation = "weave.works/kured-node-lock", bool ours = true, params (string Name, string Value)[] env)
    {
        var annotations = new JsonObject();
        if (lockAnnotationValue is not null)
        {
            annotations[lockAnnotation] = lockAnnotationValue;
        }

        var envArray = new JsonArray(new JsonObject { ["name"] = "KURED_NODE_ID", ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = "spec.nodeName" } } });
        foreach (var (name, value) in env)
        {
            envArray.Add(new JsonObject { ["name"] = name, ["value"] = value });
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kured",
                ["namespace"] = "kube-system",
                ["labels"] = ours
                    ? new JsonObject { ["app.kubernetes.io/managed-by"] = "AksSecurity", ["aks-security.io/component"] = "kured" }
                    : new JsonObject(),
                ["annotations"] = annotations,
            },
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "kured",
                            ["image"] = "ghcr.io/kubereboot/kured:1.23.0",
                            ["command"] = new JsonArray("/usr/bin/kured", "--reboot-sentinel=/sentinel/reboot-required", "--period=2h"),
                            ["env"] = envArray,
                        }),
                    },
                },
            },
            ["status"] = new JsonObject
            {
                ["desiredNumberScheduled"] = 3,
                ["currentNumberScheduled"] = 3,
                ["numberReady"] = 3,
                ["updatedNumberScheduled"] = 3,
                ["numberAvailable"] = 3,
            },
        };
    }

    internal static JsonObject Node(string name, bool unschedulable = false, string? inProgress = null, string? mostRecent = null, string ready = "True")
    {
        var annotations = new JsonObject();
        if (inProgress is not null)
        {
            annotations[KuredStatusBuilder.RebootInProgressAnnotation] = inProgress;
        }

        if (mostRecent is not null)
        {
            annotations[KuredStatusBuilder.MostRecentRebootNeededAnnotation] = mostRecent;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = annotations },
            ["spec"] = unschedulable ? new JsonObject { ["unschedulable"] = true } : new JsonObject(),
            ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready }) },
        };
    }

    private static JsonObject Pod(string name, string node, bool ready) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "kube-system" },
        ["spec"] = new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }) },
    };

    [Fact]
    public void No_daemonset_means_not_installed()
    {
        var status = KuredStatusBuilder.Build("aks1", null, new[] { Node("n0") }, Array.Empty<JsonObject>(), Now);
        Assert.False(status.Installed);
        Assert.False(status.Healthy);
        Assert.Empty(status.Nodes);
        Assert.Equal("aks1: kured not installed", status.ToString());
    }

    [Fact]
    public void Reads_rollout_lock_and_nodes_from_the_cluster_objects()
    {
        var ds = DaemonSet(KuredLockTests.SingleLock, env: new[] { ("KURED_ANNOTATE_NODES", "true"), ("KURED_REBOOT_DAYS", "mo,tu"), ("KURED_START_TIME", "22:00"), ("KURED_END_TIME", "04:00"), ("KURED_TIME_ZONE", "Europe/Berlin") });
        var nodes = new[]
        {
            Node("aks-nodepool1-12345678-vmss000001", unschedulable: true, inProgress: "2026-11-27T07:29:00Z", mostRecent: "2026-11-27T07:29:00Z", ready: "True"),
            Node("aks-nodepool1-12345678-vmss000000", mostRecent: "2026-11-20T23:10:00Z"),
            Node("aks-nodepool1-12345678-vmss000002", mostRecent: "2026-11-21T01:00:00Z"),
        };
        var pods = new[] { Pod("kured-abcde", "aks-nodepool1-12345678-vmss000000", true), Pod("kured-fghij", "aks-nodepool1-12345678-vmss000001", false) };

        var status = KuredStatusBuilder.Build("aks1", ds, nodes, pods, Now);

        Assert.True(status.Installed);
        Assert.True(status.ManagedByAksSecurity);
        Assert.True(status.Healthy);
        Assert.Equal("ghcr.io/kubereboot/kured:1.23.0", status.Image);
        Assert.Equal(3, status.NumberReady);
        Assert.True(status.NodeAnnotationsEnabled);
        Assert.Equal("mo,tu 22:00-04:00 Europe/Berlin", status.Schedule);
        // From the command line, as no variable overrides it.
        Assert.Equal("2h", status.Period);

        var holder = Assert.Single(status.LockHolders);
        Assert.Equal("aks-nodepool1-12345678-vmss000001", holder.NodeName);
        Assert.False(holder.Expired);
        Assert.Equal(holder.Acquired + TimeSpan.FromHours(1), holder.ExpiresAt);
        Assert.Null(status.MaxLockOwners);
        Assert.Null(status.LockError);

        Assert.Equal(new[] { "aks-nodepool1-12345678-vmss000001" }, status.NodesWaitingForReboot);
        var rebooting = status.Nodes.Single(n => n.NodeName.EndsWith("01", StringComparison.Ordinal));
        Assert.True(rebooting.HoldsLock);
        Assert.True(rebooting.Cordoned);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 7, 29, 0, TimeSpan.Zero), rebooting.RebootInProgressSince);
        Assert.Equal("kured-fghij", rebooting.KuredPod);
        Assert.False(rebooting.KuredPodReady);

        Assert.Equal(new[] { "aks-nodepool1-12345678-vmss000002", "aks-nodepool1-12345678-vmss000000" }, status.LastReboots.Select(n => n.NodeName));
        var idle = status.Nodes.Single(n => n.NodeName.EndsWith("00", StringComparison.Ordinal));
        Assert.False(idle.HoldsLock);
        Assert.True(idle.KuredPodReady);
        Assert.True(idle.NodeReady);
        Assert.Null(status.Nodes.Single(n => n.NodeName.EndsWith("02", StringComparison.Ordinal)).KuredPod);
    }

    [Fact]
    public void Reads_the_multi_owner_lock_under_a_custom_annotation()
    {
        var ds = DaemonSet(KuredLockTests.MultiLock, "example.com/reboot-lock", env: ("KURED_LOCK_ANNOTATION", "example.com/reboot-lock"));
        var status = KuredStatusBuilder.Build("aks1", ds, new[] { Node("aks-nodepool1-12345678-vmss000000"), Node("aks-nodepool1-12345678-vmss000002") }, Array.Empty<JsonObject>(), Now);

        Assert.Equal("example.com/reboot-lock", status.LockAnnotation);
        Assert.Equal(2, status.MaxLockOwners);
        Assert.Equal(new[] { true, false }, status.LockHolders.Select(h => h.Expired));
        Assert.True(status.LockHolders[0].WasUnschedulable);
        Assert.All(status.Nodes, n => Assert.True(n.HoldsLock));
        Assert.False(status.NodeAnnotationsEnabled);
        Assert.Equal("every day 0:00-23:59:59 UTC", status.Schedule);
    }

    [Fact]
    public void A_rollout_in_progress_is_not_healthy_and_a_foreign_daemonset_is_not_ours()
    {
        var ds = DaemonSet(null, ours: false);
        ds["status"]!["updatedNumberScheduled"] = 1;
        var status = KuredStatusBuilder.Build("aks1", ds, Array.Empty<JsonObject>(), Array.Empty<JsonObject>(), Now);
        Assert.False(status.Healthy);
        Assert.False(status.ManagedByAksSecurity);
        Assert.Empty(status.LockHolders);
    }

    [Fact]
    public void Counts_the_controller_has_not_caught_up_with_or_no_pods_at_all_are_not_healthy()
    {
        var stale = DaemonSet(null);
        stale["metadata"]!["generation"] = 4;
        stale["status"]!["observedGeneration"] = 3;
        var staleStatus = KuredStatusBuilder.Build("aks1", stale, Array.Empty<JsonObject>(), Array.Empty<JsonObject>(), Now);
        Assert.False(staleStatus.RolloutObserved);
        Assert.False(staleStatus.Healthy);

        stale["status"]!["observedGeneration"] = 4;
        Assert.True(KuredStatusBuilder.Build("aks1", stale, Array.Empty<JsonObject>(), Array.Empty<JsonObject>(), Now).Healthy);

        var empty = DaemonSet(null);
        foreach (var member in new[] { "desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable" })
        {
            empty["status"]![member] = 0;
        }

        Assert.False(KuredStatusBuilder.Build("aks1", empty, Array.Empty<JsonObject>(), Array.Empty<JsonObject>(), Now).Healthy);
    }

    [Fact]
    public void A_damaged_lock_is_reported_on_the_status()
    {
        var status = KuredStatusBuilder.Build("aks1", DaemonSet("{broken"), Array.Empty<JsonObject>(), Array.Empty<JsonObject>(), Now);
        Assert.Contains("not JSON", status.LockError);
        Assert.Empty(status.LockHolders);
    }
}
