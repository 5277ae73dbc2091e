using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Tools.Falco;

/// <summary>
/// Reads Falco's JSON alert lines (json_output: true; keys as in userspace/engine/formats.cpp @0.44.1: time, rule,
/// priority, output, output_fields, source, tags, hostname). Keys are read by name, never by position: the 2023 docs
/// example appends output_fields last, current Falco writes the keys in alphabetical order.
/// </summary>
public static partial class FalcoAlertParser
{
    /// <summary>
    /// The alert on this line, or null when the line is not a JSON alert (Falco's own start-up and log lines, blank
    /// lines, JSON without rule/priority/time).
    /// </summary>
    public static FalcoAlert? TryParse(string line, string? node = null, string? falcoPod = null)
    {
        var text = line.Trim();
        if (text.Length < 2 || text[0] != '{')
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || String(root, "rule") is not { Length: > 0 } rule
                || String(root, "priority") is not { } priorityText || !TryParsePriority(priorityText, out var priority)
                || String(root, "time") is not { } timeText || !TryParseTime(timeText, out var time))
            {
                return null;
            }

            var fields = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("output_fields", out var outputFields) && outputFields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in outputFields.EnumerateObject())
                {
                    fields[field.Name] = ToClr(field.Value);
                }
            }

            var tags = root.TryGetProperty("tags", out var tagArray) && tagArray.ValueKind == JsonValueKind.Array
                ? tagArray.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray()
                : Array.Empty<string>();
            return new FalcoAlert
            {
                Time = time,
                Rule = rule,
                Priority = priority,
                Output = String(root, "output") ?? "",
                Fields = fields,
                Node = node,
                Pod = fields["k8s.pod.name"] as string,
                Namespace = fields["k8s.ns.name"] as string,
                Source = String(root, "source") ?? "",
                Tags = tags,
                Hostname = String(root, "hostname"),
                FalcoPod = falcoPod,
            };
        }
    }

    /// <summary>Falco's priority names, any case; "Info" is Falco's own alias of Informational.</summary>
    public static bool TryParsePriority(string text, out FalcoPriority priority)
    {
        if (string.Equals(text, "info", StringComparison.OrdinalIgnoreCase))
        {
            priority = FalcoPriority.Informational;
            return true;
        }

        return Enum.TryParse(text, ignoreCase: true, out priority) && Enum.IsDefined(priority) && !char.IsDigit(text.TrimStart()[0]);
    }

    /// <summary>Falco's time: UTC ISO 8601 with nanoseconds, which .NET cannot parse past 7 fraction digits.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time)
    {
        var trimmed = LongFraction().Replace(text, m => m.Groups[1].Value);
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>JSON values as the BCL types PowerShell shows naturally.</summary>
    private static object? ToClr(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out var integer) ? (object)integer : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => value.EnumerateArray().Select(ToClr).ToArray(),
        JsonValueKind.Object => value.EnumerateObject().Aggregate(new Hashtable(StringComparer.OrdinalIgnoreCase), (table, p) => { table[p.Name] = ToClr(p.Value); return table; }),
        _ => null,
    };

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex LongFraction();
}
