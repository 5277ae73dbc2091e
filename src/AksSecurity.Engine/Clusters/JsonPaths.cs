using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>
/// Dotted paths into an ARM document ("properties.apiServerAccessProfile.authorizedIPRanges").
/// ARM property names are case-insensitive (add-on keys come as "azurepolicy" and "azurePolicy", az CLI writes
/// "authorizedIpRanges"), so lookups fall back to a case-insensitive match and edits keep the key as it was written.
/// </summary>
public static class JsonPaths
{
    public static string[] Split(string path) => path.Split('.', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The node at <paramref name="path"/>, or null when any part of the way is missing.</summary>
    public static JsonNode? Get(JsonNode? root, string path)
    {
        var node = root;
        foreach (var segment in Split(path))
        {
            if (node is not JsonObject obj || !TryGetProperty(obj, segment, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Finds a property by exact name first, then case-insensitively.</summary>
    public static bool TryGetProperty(JsonObject obj, string name, out JsonNode? value)
    {
        if (obj.TryGetPropertyValue(name, out value))
        {
            return true;
        }

        foreach (var pair in obj)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The key as the document spells it, or <paramref name="name"/> when absent.</summary>
    public static string ExistingKey(JsonObject obj, string name)
    {
        if (obj.ContainsKey(name))
        {
            return name;
        }

        foreach (var pair in obj)
        {
            if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Key;
            }
        }

        return name;
    }

    /// <summary>Sets (or with a null value removes) the node at path, creating objects on the way.</summary>
    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = Split(path);
        var parent = root;
        foreach (var segment in segments[..^1])
        {
            var key = ExistingKey(parent, segment);
            if (parent[key] is not JsonObject child)
            {
                if (value is null)
                {
                    return;
                }

                child = new JsonObject();
                parent[key] = child;
            }

            parent = child;
        }

        var leaf = ExistingKey(parent, segments[^1]);
        if (value is null)
        {
            parent.Remove(leaf);
        }
        else
        {
            parent[leaf] = value.DeepClone();
        }
    }

    public static bool? GetBool(JsonNode? root, string path) => Get(root, path) switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        // Add-on config values are strings ("true") in the service's shape.
        JsonValue v when v.TryGetValue<string>(out var s) && bool.TryParse(s, out var b) => b,
        _ => null,
    };

    public static string? GetString(JsonNode? root, string path) =>
        Get(root, path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static IReadOnlyList<string> GetStringArray(JsonNode? root, string path) =>
        Get(root, path) is JsonArray array
            ? array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n?.ToJsonString() ?? "").ToArray()
            : Array.Empty<string>();

    /// <summary>Compact JSON for messages and what-if output; "(absent)" for a missing node.</summary>
    public static string Display(JsonNode? node) => node is null ? "(absent)" : node.ToJsonString(CompactOptions);

    /// <summary>As <see cref="Display(JsonNode?)"/>, but the value of a secret-looking field (serverAppSecret, a password, a key) is never shown.</summary>
    public static string Display(string path, JsonNode? node) =>
        node is not null && IsSecretPath(path) ? "(secret, not shown)" : Display(node);

    private static readonly string[] SecretWords = { "secret", "password", "privatekey", "accesskey", "sharedkey", "token", "kubeconfig" };

    public static bool IsSecretPath(string path)
    {
        var leaf = path[(path.LastIndexOf('.') + 1)..].Replace("_", "").ToLowerInvariant();
        return SecretWords.Any(leaf.EndsWith);
    }

    public static bool DeepEquals(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    // Relaxed escaping so messages show "+01:00" and "<", not "\u002B01:00" and "\u003C"; display only, never sent.
    private static readonly JsonSerializerOptions CompactOptions = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
