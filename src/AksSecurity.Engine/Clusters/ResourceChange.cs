using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>
/// A write to a resource beside the cluster (a policy assignment, a diagnostic setting, a maintenance configuration):
/// create or replace it with <see cref="After"/>, or delete it when <see cref="After"/> is null.
/// </summary>
public sealed record ResourceChange(string ResourceId, string ApiVersion, string What, JsonObject? Before, JsonObject? After)
{
    public bool IsDelete => After is null;

    /// <summary>What -WhatIf shows: the resource and, field by field, what changes in it.</summary>
    public string Describe()
    {
        var verb = IsDelete ? "Delete" : Before is null ? "Create" : "Update";
        var lines = new List<string> { $"{verb} {What}: {ResourceId}" };
        if (!IsDelete)
        {
            lines.AddRange(JsonDiff.Changes(Before, After).Select(c => "    " + c));
        }

        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>Leaf-level differences between two JSON documents, as "path: before -> after" lines.</summary>
public static class JsonDiff
{
    public static IEnumerable<string> Changes(JsonNode? before, JsonNode? after, string path = "")
    {
        if (before is JsonObject b && after is JsonObject a)
        {
            foreach (var key in a.Select(p => p.Key).Concat(b.Select(p => p.Key)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                JsonPaths.TryGetProperty(b, key, out var bv);
                JsonPaths.TryGetProperty(a, key, out var av);
                foreach (var change in Changes(bv, av, path.Length == 0 ? key : $"{path}.{key}"))
                {
                    yield return change;
                }
            }
        }
        else if (after is JsonObject newObject && before is null)
        {
            foreach (var change in Changes(new JsonObject(), newObject, path))
            {
                yield return change;
            }
        }
        else if (!JsonNode.DeepEquals(before, after))
        {
            yield return $"{path}: {JsonPaths.Display(path, before)} -> {JsonPaths.Display(path, after)}";
        }
    }
}
