using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>
/// labelSelector and fieldSelector as the API server parses them (k8s.io/apimachinery/pkg/labels and pkg/fields):
/// <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>, comma-separated.
/// </summary>
internal static class Selectors
{
    /// <summary>Throws FormatException with the API server's wording for a bad selector.</summary>
    public static Func<IReadOnlyDictionary<string, string>, bool> ParseLabels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return _ => true;
        }

        var requirements = SplitTopLevel(selector).Select(ParseRequirement).ToArray();
        return labels => requirements.All(r => r(labels));
    }

    /// <summary>Fields the fake can select on; others answer 400 as the API server does for an unsupported field label.</summary>
    public static Func<JsonObject, bool> ParseFields(string? selector, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return _ => true;
        }

        var terms = new List<Func<JsonObject, bool>>();
        foreach (var term in SplitTopLevel(selector))
        {
            var (field, negate, value) = term.Contains("!=", StringComparison.Ordinal)
                ? (term[..term.IndexOf("!=", StringComparison.Ordinal)], true, term[(term.IndexOf("!=", StringComparison.Ordinal) + 2)..])
                : term.Contains("==", StringComparison.Ordinal)
                    ? (term[..term.IndexOf("==", StringComparison.Ordinal)], false, term[(term.IndexOf("==", StringComparison.Ordinal) + 2)..])
                    : term.Contains('=', StringComparison.Ordinal)
                        ? (term[..term.IndexOf('=', StringComparison.Ordinal)], false, term[(term.IndexOf('=', StringComparison.Ordinal) + 1)..])
                        : throw new FormatException($"invalid selector: '{selector}'; can't understand '{term}'");
            field = field.Trim();
            value = value.Trim();
            var path = field switch
            {
                "metadata.name" => new[] { "metadata", "name" },
                "metadata.namespace" when type.Namespaced => ["metadata", "namespace"],
                "spec.nodeName" when type.Plural == "pods" => ["spec", "nodeName"],
                "status.phase" when type.Plural == "pods" => ["status", "phase"],
                "spec.unschedulable" when type.Plural == "nodes" => ["spec", "unschedulable"],
                _ => throw new FormatException($"field label not supported: {field}"),
            };
            terms.Add(obj =>
            {
                JsonNode? node = obj;
                foreach (var segment in path)
                {
                    node = node?[segment];
                }

                var actual = node switch
                {
                    null => "",
                    JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
                    JsonValue v => v.ToString(),
                    _ => node.ToJsonString(),
                };
                return (actual == value) != negate;
            });
        }

        return obj => terms.All(t => t(obj));
    }

    public static IReadOnlyDictionary<string, string> LabelsOf(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                labels[key] = value?.ToString() ?? "";
            }
        }

        return labels;
    }

    /// <summary>Whether a pod template's nodeSelector (map) matches a node's labels.</summary>
    public static bool NodeSelectorMatches(JsonObject? nodeSelector, IReadOnlyDictionary<string, string> nodeLabels) =>
        nodeSelector is null || nodeSelector.All(p => nodeLabels.TryGetValue(p.Key, out var v) && v == p.Value?.ToString());

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string term)
    {
        var text = term.Trim();
        if (text.StartsWith('!'))
        {
            var key = text[1..].Trim();
            ValidateKey(key, text);
            return labels => !labels.ContainsKey(key);
        }

        foreach (var (op, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = text[..at].Trim();
                var rest = text[(at + op.Length)..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')'))
                {
                    throw new FormatException($"unable to parse requirement: found '{rest}', expected: '('");
                }

                ValidateKey(key, text);
                var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
                // notin also matches objects without the label, as in k8s.io/apimachinery/pkg/labels.
                return negate
                    ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                    : labels => labels.TryGetValue(key, out var v) && values.Contains(v);
            }
        }

        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var key = text[..at].Trim();
                var value = text[(at + op.Length)..].Trim();
                ValidateKey(key, text);
                return negate
                    ? labels => !labels.TryGetValue(key, out var v) || v != value
                    : labels => labels.TryGetValue(key, out var v) && v == value;
            }
        }

        ValidateKey(text, text);
        return labels => labels.ContainsKey(text);
    }

    private static void ValidateKey(string key, string term)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw new FormatException($"unable to parse requirement: invalid label key \"{key}\" in '{term}'");
        }
    }

    /// <summary>Splits on commas outside parentheses.</summary>
    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return selector[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return selector[start..];
    }
}
