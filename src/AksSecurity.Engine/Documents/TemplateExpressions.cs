using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Documents;

/// <summary>A value of an ARM template that is an expression ("[parameters('x')]"): known only at deployment.</summary>
public sealed record TemplateExpression(string Path, string Expression);

/// <summary>
/// Finds ARM template expressions in a cluster document. A string value in square brackets is an expression ("[[" escapes
/// a literal bracket); an object's "copy" array builds the named property at deployment. Paths are dotted, with "[*]"
/// for any array index, so they compare with the catalogue's input paths.
/// </summary>
public static class TemplateExpressions
{
    public static bool IsExpression(string value) =>
        value.Length >= 2 && value[0] == '[' && value[^1] == ']' && !value.StartsWith("[[", StringComparison.Ordinal);

    public static IReadOnlyList<TemplateExpression> Find(JsonNode? root)
    {
        var found = new List<TemplateExpression>();
        Walk(root, "", found);
        return found;
    }

    /// <summary>
    /// True when <paramref name="inputPath"/> depends on <paramref name="expressionPath"/>: one is the other or contains it
    /// (segment by segment, case-insensitive, "[*]" matching any index).
    /// </summary>
    public static bool Overlaps(string inputPath, string expressionPath)
    {
        var a = Segments(inputPath);
        var b = Segments(expressionPath);
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] Segments(string path) => path.Replace("[*]", ".[*]").Split('.', StringSplitOptions.RemoveEmptyEntries);

    private static void Walk(JsonNode? node, string path, List<TemplateExpression> found)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var text) && IsExpression(text):
                found.Add(new TemplateExpression(path, text));
                break;
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (string.Equals(key, "copy", StringComparison.OrdinalIgnoreCase) && child is JsonArray loops)
                    {
                        foreach (var loop in loops.OfType<JsonObject>())
                        {
                            if (loop["name"] is JsonValue name && name.TryGetValue<string>(out var property))
                            {
                                found.Add(new TemplateExpression(Join(path, property), $"copy loop '{property}'"));
                            }
                        }

                        continue;
                    }

                    Walk(child, Join(path, key), found);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, path + "[*]", found);
                }

                break;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
