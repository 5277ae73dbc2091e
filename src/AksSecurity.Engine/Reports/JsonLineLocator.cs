using System.Text.Json;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// Finds the line of a JSON path in a cluster document file, so SARIF can place an offline finding on the line of the
/// setting (or, when the setting is absent, of the nearest object that holds it). Only line numbers leave this class:
/// nothing of the file's content reaches a report.
/// </summary>
internal sealed class JsonLineLocator
{
    private const long MaxFileBytes = 64 * 1024 * 1024;

    // Lower-case paths ("properties.apiserveraccessprofile", "value[1]", "resources[0].properties") to 1-based lines.
    private readonly Dictionary<string, int> _lines;

    private JsonLineLocator(Dictionary<string, int> lines) => _lines = lines;

    /// <summary>Reads a file; null when it is missing, too large or not JSON (the report then has no line for it).</summary>
    public static JsonLineLocator? TryLoad(string file)
    {
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists || info.Length > MaxFileBytes)
            {
                return null;
            }

            return Parse(File.ReadAllBytes(file));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static JsonLineLocator Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        return new JsonLineLocator(Walk(bytes, LineStarts(bytes)));
    }

    private static int[] LineStarts(ReadOnlySpan<byte> bytes)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToArray();
    }

    private static Dictionary<string, int> Walk(ReadOnlySpan<byte> bytes, int[] lineStarts)
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
        var frames = new List<Frame>();
        string? property = null;
        while (reader.Read())
        {
            var line = LineOf(lineStarts, (int)reader.TokenStartIndex);
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    property = Join(frames[^1].Path, reader.GetString()!.ToLowerInvariant());
                    lines.TryAdd(property, line);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    var path = ValuePath(frames, property);
                    lines.TryAdd(path, line);
                    frames.Add(new Frame(path, reader.TokenType == JsonTokenType.StartArray));
                    property = null;
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    break;
                default:
                    lines.TryAdd(ValuePath(frames, property), line);
                    property = null;
                    break;
            }
        }

        return lines;
    }

    private static string ValuePath(List<Frame> frames, string? property)
    {
        if (frames.Count == 0)
        {
            return "";
        }

        var parent = frames[^1];
        return parent.IsArray ? $"{parent.Path}[{parent.NextIndex++}]" : property ?? parent.Path;
    }

    private static string Join(string parent, string name) => parent.Length == 0 ? name : $"{parent}.{name}";

    private static int LineOf(int[] lineStarts, int offset)
    {
        var index = Array.BinarySearch(lineStarts, offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    /// <summary>
    /// The line of <paramref name="jsonPath"/> within the cluster at <paramref name="entry"/> ("", "[2]", "#resources[0]"),
    /// else of its nearest existing parent, else of the cluster itself; null when the entry is not in the file.
    /// </summary>
    public int? LineOf(string entry, string? jsonPath)
    {
        var roots = EntryRoots(entry).Where(_lines.ContainsKey).ToList();
        if (roots.Count == 0)
        {
            return null;
        }

        var segments = jsonPath is null ? new List<string>() : Segments(jsonPath.ToLowerInvariant());
        for (var length = segments.Count; length > 0; length--)
        {
            var path = string.Concat(segments.Take(length)).TrimStart('.');
            foreach (var root in roots)
            {
                // `az aks show` output has the properties flattened to the top.
                foreach (var candidate in new[] { path, path.StartsWith("properties.", StringComparison.Ordinal) ? path["properties.".Length..] : null })
                {
                    if (candidate is { Length: > 0 } && _lines.TryGetValue(Join(root, candidate), out var line))
                    {
                        return line;
                    }
                }
            }
        }

        return _lines[roots[0]];
    }

    private static IEnumerable<string> EntryRoots(string entry)
    {
        if (entry.StartsWith("#", StringComparison.Ordinal))
        {
            yield return entry[1..].ToLowerInvariant();
        }
        else if (entry.Length > 0)
        {
            // "[i]" is an element of a top-level array or of an ARM list's "value".
            yield return entry;
            yield return "value" + entry;
        }
        else
        {
            yield return "";
        }
    }

    private static List<string> Segments(string path)
    {
        // "a.b[0].c" -> ".a", ".b", "[0]", ".c", so prefixes re-join into the same spelling the walk recorded.
        var segments = new List<string>();
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[');
            segments.Add("." + (bracket < 0 ? part : part[..bracket]));
            for (; bracket >= 0; bracket = part.IndexOf('[', bracket + 1))
            {
                var close = part.IndexOf(']', bracket);
                segments.Add(close < 0 ? part[bracket..] : part[bracket..(close + 1)]);
            }
        }

        return segments;
    }

    private sealed class Frame(string path, bool isArray)
    {
        public string Path { get; } = path;
        public bool IsArray { get; } = isArray;
        public int NextIndex { get; set; }
    }
}
