using System.Text;
using System.Text.Json;

namespace AksSecurity.Engine.Tools.KubeBench;

/// <summary>
/// Reads the output of <c>kube-bench run --json</c> (Go structs of check/controls.go and check/check.go, v0.15.6): an object
/// <c>{"Controls": [...], "Totals": {...}}</c>, or with <c>--nototals</c> a bare array of Controls. Unknown keys are ignored
/// and missing ones taken as empty, so both the 2020 shape of kube-bench's own test data and v0.15.6's (with
/// <c>AuditEnv</c>, <c>IsMultiple</c> and the group <c>type</c>) are read.
/// </summary>
public static class KubeBenchOutput
{
    /// <summary>Characters of a log quoted in an error, so a long text output does not flood the error record.</summary>
    private const int QuoteLength = 120;

    /// <summary>
    /// One result per check, in kube-bench's order. The pod log may carry lines before the JSON (messages kube-bench writes
    /// to stderr): the first line that starts a JSON object or array and parses is the output. A log without one is
    /// InvalidData naming the node.
    /// </summary>
    public static IReadOnlyList<KubeBenchCheckResult> Parse(string log, string cluster, string node)
    {
        if (FindJson(log) is not { } document)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData,
                $"The kube-bench log of node '{node}' holds no JSON output (it begins: {Quote(log)}). kube-bench runs with --json; a text log means the image does not honour it.", node);
        }

        using (document)
        {
            var root = document.RootElement;
            var controls = root.ValueKind switch
            {
                JsonValueKind.Array => root,
                JsonValueKind.Object when root.TryGetProperty("Controls", out var c) && c.ValueKind is JsonValueKind.Array or JsonValueKind.Null => c,
                _ => throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"The kube-bench output of node '{node}' is JSON but neither an array of controls nor an object with \"Controls\" (it begins: {Quote(log)}).", node),
            };

            var results = new List<KubeBenchCheckResult>();
            foreach (var control in Items(controls))
            {
                var benchmark = Text(control, "version");
                foreach (var group in Items(Property(control, "tests")))
                {
                    var section = Text(group, "section");
                    var sectionText = Text(group, "desc");
                    var groupType = Text(group, "type");
                    foreach (var check in Items(Property(group, "results")))
                    {
                        var id = Text(check, "test_number");
                        var type = Text(check, "type");
                        results.Add(new KubeBenchCheckResult
                        {
                            Cluster = cluster,
                            Node = node,
                            Benchmark = benchmark,
                            Id = id,
                            Section = section,
                            SectionDescription = sectionText,
                            Description = Text(check, "test_desc"),
                            Status = Status(Text(check, "status"), id, node),
                            Scored = Property(check, "scored") is { ValueKind: JsonValueKind.True },
                            Remediation = Text(check, "remediation").Trim(),
                            ActualValue = Text(check, "actual_value").TrimEnd(),
                            ExpectedResult = Text(check, "expected_result"),
                            Reason = Text(check, "reason"),
                            // A group of type skip or manual makes its checks so; the check's own type says it when set.
                            Type = type.Length > 0 ? type : groupType,
                        });
                    }
                }
            }

            return results;
        }
    }

    /// <summary>The totals of one node's results.</summary>
    public static KubeBenchNodeSummary Summarize(string cluster, string node, string benchmark, IReadOnlyCollection<KubeBenchCheckResult> results) => new()
    {
        Cluster = cluster,
        Node = node,
        Benchmark = benchmark,
        Pass = results.Count(r => r.Status == KubeBenchStatus.Pass),
        Fail = results.Count(r => r.Status == KubeBenchStatus.Fail),
        Warn = results.Count(r => r.Status == KubeBenchStatus.Warn),
        Info = results.Count(r => r.Status == KubeBenchStatus.Info),
    };

    private static JsonDocument? FindJson(string log)
    {
        var bytes = Encoding.UTF8.GetBytes(log);
        for (var start = 0; start < bytes.Length;)
        {
            var first = start;
            while (first < bytes.Length && bytes[first] is (byte)' ' or (byte)'\t' or (byte)'\r')
            {
                first++;
            }

            if (first < bytes.Length && bytes[first] is (byte)'{' or (byte)'[')
            {
                // "[INFO] 3 Worker Node..." also starts with '[': only a value that parses counts. Text after it is ignored.
                var reader = new Utf8JsonReader(bytes.AsSpan(first));
                try
                {
                    if (JsonDocument.TryParseValue(ref reader, out var document))
                    {
                        return document;
                    }
                }
                catch (JsonException)
                {
                    // Not JSON: try the next line.
                }
            }

            var newline = Array.IndexOf(bytes, (byte)'\n', start);
            start = newline < 0 ? bytes.Length : newline + 1;
        }

        return null;
    }

    private static KubeBenchStatus Status(string status, string id, string node) => status.ToUpperInvariant() switch
    {
        "PASS" => KubeBenchStatus.Pass,
        "FAIL" => KubeBenchStatus.Fail,
        "WARN" => KubeBenchStatus.Warn,
        "INFO" => KubeBenchStatus.Info,
        _ => throw new AksSecurityException(AksErrorKind.InvalidData,
            $"Check {id} in the kube-bench output of node '{node}' has the status '{status}'; kube-bench reports PASS, FAIL, WARN or INFO.", node),
    };

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    private static IEnumerable<JsonElement> Items(JsonElement? array) =>
        array is { ValueKind: JsonValueKind.Array } items ? items.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Object) : Array.Empty<JsonElement>();

    /// <summary>A string property; numbers (an id written as 3) are taken as their text, anything else as empty.</summary>
    private static string Text(JsonElement element, string name) => Property(element, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString() ?? "",
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => "",
    };

    private static string Quote(string log)
    {
        var text = log.TrimStart();
        var firstLine = text.Split('\n', 2)[0].TrimEnd('\r');
        return firstLine.Length == 0 ? "(empty)" : $"'{(firstLine.Length > QuoteLength ? firstLine[..QuoteLength] + "…" : firstLine)}'";
    }
}
