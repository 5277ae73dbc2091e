using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>
/// The DaemonSet's changes setting by setting (one KURED_* variable, one argument, the image...), for -Verbose. The
/// shared planner shows a changed list as the whole list; kured's settings live in lists (env, command, tolerations),
/// so this names the entry that changes. The notification URL comes from a Secret and is never shown.
/// </summary>
public static class KuredChangeSummary
{
    public static IReadOnlyList<string> Describe(JsonObject desired, JsonObject live)
    {
        var lines = new List<string>();
        var desiredContainer = KuredStatusBuilder.KuredContainer(desired);
        var liveContainer = KuredStatusBuilder.KuredContainer(live);

        Compare(lines, "image", Text(liveContainer?["image"]), Text(desiredContainer?["image"]));

        var liveEnv = Entries(liveContainer?["env"]);
        var desiredEnv = Entries(desiredContainer?["env"]);
        foreach (var name in liveEnv.Keys.Union(desiredEnv.Keys).Order(StringComparer.Ordinal))
        {
            Compare(lines, $"env {name}", EnvValue(liveEnv.GetValueOrDefault(name)), EnvValue(desiredEnv.GetValueOrDefault(name)));
        }

        var liveArguments = Strings(liveContainer?["command"]);
        var desiredArguments = Strings(desiredContainer?["command"]);
        lines.AddRange(desiredArguments.Except(liveArguments).Select(a => $"argument added: {a}"));
        lines.AddRange(liveArguments.Except(desiredArguments).Select(a => $"argument removed: {a}"));

        var livePod = live["spec"]?["template"]?["spec"];
        var desiredPod = desired["spec"]?["template"]?["spec"];
        var liveSelector = livePod?["nodeSelector"] as JsonObject;
        var desiredSelector = desiredPod?["nodeSelector"] as JsonObject;
        var keys = (liveSelector?.Select(p => p.Key) ?? []).Union(desiredSelector?.Select(p => p.Key) ?? []).Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            Compare(lines, $"nodeSelector {key}", Text(liveSelector?[key]), Text(desiredSelector?[key]));
        }

        var liveTolerations = Json(livePod?["tolerations"]);
        var desiredTolerations = Json(desiredPod?["tolerations"]);
        lines.AddRange(desiredTolerations.Except(liveTolerations).Select(t => $"toleration added: {t}"));
        lines.AddRange(liveTolerations.Except(desiredTolerations).Select(t => $"toleration removed: {t}"));

        var fingerprint = KuredManifest.NotifyFingerprintAnnotation;
        if (Text(live["spec"]?["template"]?["metadata"]?["annotations"]?[fingerprint]) != Text(desired["spec"]?["template"]?["metadata"]?["annotations"]?[fingerprint]))
        {
            lines.Add("notification URL changed: the kured pods restart to read it");
        }

        return lines;
    }

    private static void Compare(List<string> lines, string what, string? before, string? after)
    {
        if (before != after)
        {
            lines.Add($"{what}: {before ?? "(none)"} → {after ?? "(none)"}");
        }
    }

    private static Dictionary<string, JsonObject> Entries(JsonNode? env) =>
        (env as JsonArray)?.OfType<JsonObject>()
            .Where(e => e["name"] is JsonValue)
            .GroupBy(e => e["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
        ?? new Dictionary<string, JsonObject>(StringComparer.Ordinal);

    // A variable from a Secret or a field is shown by where it comes from, never by value.
    private static string? EnvValue(JsonObject? entry) => entry switch
    {
        null => null,
        _ when entry["valueFrom"]?["secretKeyRef"] is JsonObject secret => $"(from Secret {Text(secret["name"])}, key {Text(secret["key"])})",
        _ when entry["valueFrom"] is JsonObject from => $"(from {from.ToJsonString()})",
        _ => $"\"{Text(entry["value"])}\"",
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();

    private static IReadOnlyList<string> Strings(JsonNode? array) =>
        (array as JsonArray)?.Select(a => Text(a) ?? "").ToArray() ?? Array.Empty<string>();

    private static IReadOnlyList<string> Json(JsonNode? array) =>
        (array as JsonArray)?.Select(a => a?.ToJsonString() ?? "null").ToArray() ?? Array.Empty<string>();
}
