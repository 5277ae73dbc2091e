using System.Globalization;
using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>
/// Builds <see cref="KuredStatus"/> from what the API shows: the DaemonSet (rollout status, configuration, lock
/// annotation), the nodes (kured's node annotations, cordon, Ready) and the kured pods.
/// </summary>
public static class KuredStatusBuilder
{
    public const string RebootInProgressAnnotation = "weave.works/kured-reboot-in-progress";
    public const string MostRecentRebootNeededAnnotation = "weave.works/kured-most-recent-reboot-needed";

    public static KuredStatus Build(string cluster, JsonObject? daemonSet, IReadOnlyList<JsonObject> nodes, IReadOnlyList<JsonObject> pods, DateTimeOffset now)
    {
        if (daemonSet is null)
        {
            return new KuredStatus { Cluster = cluster, Installed = false };
        }

        var container = KuredContainer(daemonSet);
        var settings = EffectiveFlags(container);
        var lockAnnotation = settings.GetValueOrDefault("lock-annotation") ?? KuredSettings.DefaultLockAnnotation;
        var lockText = daemonSet["metadata"]?["annotations"]?[lockAnnotation]?.GetValue<string>();
        var lockRead = KuredLock.TryParse(lockText, out var lockState, out var lockError);
        var holders = lockState.Holders;

        var podsByNode = pods
            .Where(p => p["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 })
            .GroupBy(p => p["spec"]!["nodeName"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var nodeStatuses = nodes
            .Select(node => BuildNode(cluster, node, holders, podsByNode))
            .OrderBy(n => n.NodeName, StringComparer.Ordinal)
            .ToArray();

        var status = daemonSet["status"];
        return new KuredStatus
        {
            Cluster = cluster,
            Namespace = daemonSet["metadata"]?["namespace"]?.GetValue<string>() ?? KuredManifest.Namespace,
            DaemonSetName = daemonSet["metadata"]?["name"]?.GetValue<string>() ?? KuredManifest.DaemonSetName,
            Installed = true,
            ManagedByAksSecurity = KuredManifest.IsOurs(daemonSet),
            Image = container?["image"]?.GetValue<string>(),
            DesiredNumberScheduled = Int(status, "desiredNumberScheduled"),
            NumberReady = Int(status, "numberReady"),
            UpdatedNumberScheduled = Int(status, "updatedNumberScheduled"),
            NumberAvailable = Int(status, "numberAvailable"),
            RolloutObserved = Int(status, "observedGeneration") >= Int(daemonSet["metadata"], "generation"),
            Schedule = DescribeSchedule(settings),
            Period = settings.GetValueOrDefault("period") ?? "1h",
            NodeAnnotationsEnabled = bool.TryParse(settings.GetValueOrDefault("annotate-nodes"), out var annotate) && annotate,
            LockAnnotation = lockAnnotation,
            MaxLockOwners = lockState.MaxOwners,
            LockHolders = holders.Select(h => new KuredLockHolder
            {
                Cluster = cluster,
                NodeName = h.NodeId,
                Acquired = h.Created,
                Ttl = h.Ttl,
                Expired = h.IsExpired(now),
                WasUnschedulable = h.WasUnschedulable,
            }).ToArray(),
            LockError = lockRead ? null : lockError,
            Nodes = nodeStatuses,
        };
    }

    private static KuredNodeStatus BuildNode(string cluster, JsonObject node, IReadOnlyList<KuredLockEntry> holders, IReadOnlyDictionary<string, JsonObject> podsByNode)
    {
        var name = node["metadata"]?["name"]?.GetValue<string>() ?? "";
        var annotations = node["metadata"]?["annotations"] as JsonObject;
        var inProgress = annotations?[RebootInProgressAnnotation]?.GetValue<string>();
        var readyCondition = (node["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
        podsByNode.TryGetValue(name, out var pod);
        return new KuredNodeStatus
        {
            Cluster = cluster,
            NodeName = name,
            RebootInProgress = inProgress is not null,
            RebootInProgressSince = Time(inProgress),
            MostRecentRebootNeeded = Time(annotations?[MostRecentRebootNeededAnnotation]?.GetValue<string>()),
            HoldsLock = holders.Any(h => h.NodeId == name),
            Cordoned = node["spec"]?["unschedulable"]?.GetValue<bool>() ?? false,
            NodeReady = readyCondition is null ? null : readyCondition["status"]?.GetValue<string>() == "True",
            KuredPod = pod?["metadata"]?["name"]?.GetValue<string>(),
            KuredPodReady = (pod?["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>()
                .Any(c => c["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") ?? false,
        };
    }

    /// <summary>The kured container: the one named kured, else the first.</summary>
    internal static JsonObject? KuredContainer(JsonObject daemonSet)
    {
        var containers = (daemonSet["spec"]?["template"]?["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>().ToArray() ?? Array.Empty<JsonObject>();
        return containers.FirstOrDefault(c => c["name"]?.GetValue<string>() == KuredManifest.ContainerName) ?? containers.FirstOrDefault();
    }

    /// <summary>kured's flags as the container sets them: --flag=value arguments, overridden by KURED_* variables (kured reads the environment after the command line).</summary>
    internal static IReadOnlyDictionary<string, string> EffectiveFlags(JsonObject? container)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var arguments = new[] { "command", "args" }
            .SelectMany(member => (container?[member] as JsonArray)?.Select(a => a?.GetValue<string>() ?? "") ?? Array.Empty<string>());
        foreach (var argument in arguments)
        {
            if (argument.StartsWith("--", StringComparison.Ordinal) && argument.IndexOf('=') is var equals and > 2)
            {
                flags[argument[2..equals]] = argument[(equals + 1)..];
            }
        }

        foreach (var variable in (container?["env"] as JsonArray)?.OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>())
        {
            if (variable["name"]?.GetValue<string>() is { } name && name.StartsWith("KURED_", StringComparison.Ordinal) && variable["value"] is JsonValue value)
            {
                flags[name["KURED_".Length..].ToLowerInvariant().Replace('_', '-')] = value.GetValue<string>();
            }
        }

        return flags;
    }

    private static string DescribeSchedule(IReadOnlyDictionary<string, string> flags)
    {
        var days = flags.GetValueOrDefault("reboot-days") ?? "every day";
        return $"{days} {flags.GetValueOrDefault("start-time") ?? "0:00"}-{flags.GetValueOrDefault("end-time") ?? "23:59:59"} {flags.GetValueOrDefault("time-zone") ?? "UTC"}";
    }

    private static int Int(JsonNode? status, string member) => status?[member] is JsonValue value && value.TryGetValue<int>(out var number) ? number : 0;

    private static DateTimeOffset? Time(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
