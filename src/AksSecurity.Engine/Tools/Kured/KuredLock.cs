using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>One entry of kured's reboot lock.</summary>
public sealed record KuredLockEntry(string NodeId, DateTimeOffset? Created, TimeSpan? Ttl, bool WasUnschedulable)
{
    /// <summary>kured's rule (daemonsetlock.ttlExpired): a positive TTL that has passed since the lock was created.</summary>
    public bool IsExpired(DateTimeOffset now) => Ttl is { } ttl && ttl > TimeSpan.Zero && Created is { } created && now - created >= ttl;
}

/// <summary>The reboot lock as kured writes it in the DaemonSet's lock annotation.</summary>
public sealed record KuredLockState(int? MaxOwners, IReadOnlyList<KuredLockEntry> Holders);

/// <summary>
/// Reads kured's lock annotation (pkg/daemonsetlock). Single form, concurrency 1:
/// <c>{"nodeID":"…","metadata":{"unschedulable":false},"created":"&lt;RFC3339&gt;","TTL":&lt;nanoseconds&gt;}</c>;
/// multi form, concurrency above 1: <c>{"maxOwners":N,"locks":[{…},…]}</c> (locks may be null or empty once released).
/// </summary>
public static class KuredLock
{
    public static bool TryParse(string? annotation, out KuredLockState state, out string error)
    {
        state = new KuredLockState(null, Array.Empty<KuredLockEntry>());
        error = "";
        if (string.IsNullOrWhiteSpace(annotation))
        {
            return true;
        }

        JsonObject? root;
        try
        {
            root = JsonNode.Parse(annotation) as JsonObject;
        }
        catch (JsonException ex)
        {
            error = $"The lock annotation is not JSON: {ex.Message}";
            return false;
        }

        if (root is null)
        {
            error = "The lock annotation is not a JSON object.";
            return false;
        }

        try
        {
            if (root.ContainsKey("maxOwners") || root.ContainsKey("locks"))
            {
                var entries = root["locks"] is JsonArray locks
                    ? locks.OfType<JsonObject>().Select(ReadEntry).Where(e => e.NodeId.Length > 0).ToArray()
                    : Array.Empty<KuredLockEntry>();
                state = new KuredLockState(root["maxOwners"]?.GetValue<int>(), entries);
                return true;
            }

            var entry = ReadEntry(root);
            state = new KuredLockState(null, entry.NodeId.Length > 0 ? new[] { entry } : Array.Empty<KuredLockEntry>());
            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            error = $"The lock annotation has an unexpected shape: {ex.Message}";
            return false;
        }
    }

    private static KuredLockEntry ReadEntry(JsonObject entry)
    {
        var created = entry["created"]?.GetValue<string>() is { } text ? ParseRfc3339(text) : null;
        // Go marshals time.Duration as integer nanoseconds; one tick is 100 ns.
        TimeSpan? ttl = entry["TTL"] is JsonValue ttlValue ? TimeSpan.FromTicks(ttlValue.GetValue<long>() / 100) : null;
        var unschedulable = entry["metadata"]?["unschedulable"]?.GetValue<bool>() ?? false;
        return new KuredLockEntry(entry["nodeID"]?.GetValue<string>() ?? "", created, ttl is { Ticks: > 0 } ? ttl : null, unschedulable);
    }

    /// <summary>Go's RFC3339Nano carries up to 9 fraction digits; .NET reads 7, so the rest are cut. Go's zero time means "not set".</summary>
    private static DateTimeOffset? ParseRfc3339(string text)
    {
        var trimmed = System.Text.RegularExpressions.Regex.Replace(text, @"(\.\d{7})\d+", "$1");
        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            throw new FormatException($"'created' is not a time: '{text}'.");
        }

        return value.Year <= 1 ? null : value;
    }
}
