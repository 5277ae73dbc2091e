using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Kubernetes manifests as YAML ↔ JSON objects. Plain scalars get the types Kubernetes itself gives them (kubectl reads YAML
/// with go-yaml v2, YAML 1.1 rules): null/~/empty → null, true/false/yes/no/on/off (and y/n) → booleans, integers (decimal, 0x, 0o,
/// leading-0 octal, 0b, with '_'), floats (incl. .inf/.nan) → numbers; everything else, and every quoted or block scalar, is a string.
/// Timestamps stay strings, as go-yaml v2 leaves them when the target is untyped.
/// </summary>
public static class ManifestYaml
{
    private static readonly HashSet<string> NullWords = new(StringComparer.Ordinal) { "", "~", "null", "Null", "NULL" };
    private static readonly HashSet<string> TrueWords = new(StringComparer.Ordinal) { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" };
    private static readonly HashSet<string> FalseWords = new(StringComparer.Ordinal) { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" };

    /// <summary>Every non-empty document of <paramref name="yaml"/>, each a mapping; bad YAML names the source, line and column.</summary>
    public static IReadOnlyList<JsonObject> Parse(string yaml, string sourceName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new MergingParser(new Parser(new StringReader(yaml))));
        }
        catch (YamlException ex)
        {
            throw Invalid(sourceName, ex);
        }
        catch (InvalidOperationException ex)
        {
            // The merge-key parser reports some syntax errors without a position; the plain parser finds where.
            throw LocateSyntaxError(yaml, sourceName) ?? new AksSecurityException(AksErrorKind.InvalidData, $"{sourceName}: not valid YAML: {ex.Message}", sourceName, ex);
        }

        var objects = new List<JsonObject>();
        var index = 0;
        foreach (var document in stream.Documents)
        {
            index++;
            var root = document.RootNode;
            if (root is YamlScalarNode scalar && IsNullScalar(scalar))
            {
                continue;
            }

            if (root is not YamlMappingNode mapping)
            {
                throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"{sourceName}: document {index} (line {root.Start.Line}, column {root.Start.Column}) is not a mapping; a Kubernetes manifest is an object with apiVersion and kind.", sourceName);
            }

            objects.Add((JsonObject)Convert(mapping, sourceName)!);
        }

        return objects;
    }

    private static AksSecurityException Invalid(string sourceName, YamlException ex) =>
        new(AksErrorKind.InvalidData, $"{sourceName}: not valid YAML at line {ex.Start.Line}, column {ex.Start.Column}: {Innermost(ex).Message}", sourceName, ex);

    private static AksSecurityException? LocateSyntaxError(string yaml, string sourceName)
    {
        Mark? lastGood = null;
        try
        {
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext())
            {
                lastGood = parser.Current?.End;
            }

            return null;
        }
        catch (YamlException ex)
        {
            return Invalid(sourceName, ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner fails this way on some unterminated flow collections; the last good event is where it broke.
            var where = lastGood is { } mark ? $"line {mark.Line}, column {mark.Column}" : "line 1, column 1";
            return new AksSecurityException(AksErrorKind.InvalidData,
                $"{sourceName}: not valid YAML after {where}: the text that follows cannot be read (an unclosed bracket, brace or quote?).", sourceName, ex);
        }
    }

    /// <summary>The objects as one multi-document YAML text (strings that would read back as another type are quoted).</summary>
    public static string Write(IEnumerable<JsonObject> objects)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, bestIndent: 2, bestWidth: int.MaxValue);
        emitter.Emit(new StreamStart());
        foreach (var obj in objects)
        {
            emitter.Emit(new DocumentStart(null, null, isImplicit: false));
            Emit(emitter, obj);
            emitter.Emit(new DocumentEnd(isImplicit: true));
        }

        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    /// <summary>What a plain (unquoted, untagged) scalar means to Kubernetes.</summary>
    internal static JsonNode? ResolvePlain(string value)
    {
        if (NullWords.Contains(value))
        {
            return null;
        }

        if (TrueWords.Contains(value))
        {
            return JsonValue.Create(true);
        }

        if (FalseWords.Contains(value))
        {
            return JsonValue.Create(false);
        }

        if (TryParseInteger(value, out var integer))
        {
            return integer;
        }

        return TryParseFloat(value, out var number) ? number : JsonValue.Create(value);
    }

    private static JsonNode? Convert(YamlNode node, string sourceName) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping, sourceName),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(c => Convert(c, sourceName)).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar, sourceName),
        _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"{sourceName}: unsupported YAML node at line {node.Start.Line}, column {node.Start.Column}.", sourceName),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping, string sourceName)
    {
        var obj = new JsonObject();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode key)
            {
                throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"{sourceName}: a mapping key at line {keyNode.Start.Line}, column {keyNode.Start.Column} is not a scalar.", sourceName);
            }

            var name = key.Value ?? "";
            if (obj.ContainsKey(name))
            {
                throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"{sourceName}: duplicate key '{name}' at line {key.Start.Line}, column {key.Start.Column}.", sourceName);
            }

            obj[name] = Convert(valueNode, sourceName);
        }

        return obj;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar, string sourceName)
    {
        var value = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is not null && tag != "!")
        {
            var shortTag = tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) ? tag["tag:yaml.org,2002:".Length..] : tag.TrimStart('!');
            return shortTag switch
            {
                "str" or "binary" or "timestamp" => JsonValue.Create(value),
                "null" => null,
                "bool" when TrueWords.Contains(value) => JsonValue.Create(true),
                "bool" when FalseWords.Contains(value) => JsonValue.Create(false),
                "int" when TryParseInteger(value, out var integer) => integer,
                "float" when TryParseFloat(value, out var number) || TryParseInteger(value, out number) => number,
                _ => throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"{sourceName}: value '{value}' at line {scalar.Start.Line}, column {scalar.Start.Column} does not fit its tag {tag}.", sourceName),
            };
        }

        return scalar.Style == ScalarStyle.Plain && tag is null ? ResolvePlain(value) : JsonValue.Create(value);
    }

    private static bool IsNullScalar(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && NullWords.Contains(scalar.Value ?? "") && scalar.Tag.IsEmpty;

    private static bool TryParseInteger(string text, out JsonNode? value)
    {
        value = null;
        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (plain.Length == 0 || plain != text && text.StartsWith('_'))
        {
            return false;
        }

        var negative = plain.StartsWith('-');
        var digits = plain.TrimStart('+', '-');
        if (plain.Length - digits.Length > 1 || digits.Length == 0)
        {
            return false;
        }

        var (numberBase, body) = digits switch
        {
            _ when digits.StartsWith("0x", StringComparison.Ordinal) => (16, digits[2..]),
            _ when digits.StartsWith("0o", StringComparison.Ordinal) => (8, digits[2..]),
            _ when digits.StartsWith("0b", StringComparison.Ordinal) => (2, digits[2..]),
            _ when digits.Length > 1 && digits[0] == '0' => (8, digits[1..]),
            _ => (10, digits),
        };
        if (body.Length == 0)
        {
            return false;
        }

        System.Numerics.BigInteger result = 0;
        foreach (var c in body)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : c is >= 'A' and <= 'F' ? c - 'A' + 10 : 99;
            if (digit >= numberBase)
            {
                return false;
            }

            result = result * numberBase + digit;
        }

        if (negative)
        {
            result = -result;
        }

        if (result >= long.MinValue && result <= long.MaxValue)
        {
            value = JsonValue.Create((long)result);
        }
        else if (result >= 0 && result <= ulong.MaxValue)
        {
            value = JsonValue.Create((ulong)result);
        }
        else
        {
            value = JsonValue.Create((double)result);
        }

        return true;
    }

    private static bool TryParseFloat(string text, out JsonNode? value)
    {
        value = null;
        switch (text)
        {
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF":
            case "-.inf" or "-.Inf" or "-.INF":
            case ".nan" or ".NaN" or ".NAN":
                // JSON has no infinity or NaN; Kubernetes would reject them too. Keep the text.
                value = JsonValue.Create(text);
                return true;
        }

        // go's ParseFloat: digits, one dot, optional exponent; no hex floats in manifests.
        if (text.Length == 0 || !text.Any(char.IsDigit) || text.Any(c => !(char.IsDigit(c) || c is '.' or 'e' or 'E' or '+' or '-' or '_')))
        {
            return false;
        }

        var plain = text.Replace("_", "", StringComparison.Ordinal);
        if (double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            value = JsonValue.Create(number);
            return true;
        }

        return false;
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, isImplicit: true, MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, isImplicit: true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        // A string that would read back as null, a bool or a number must be quoted; multi-line text is a literal block.
        var style = text.Contains('\n') && !text.Any(c => char.IsControl(c) && c is not '\n') && !text.Split('\n').Any(l => l.EndsWith(' '))
            ? ScalarStyle.Literal
            : ResolvePlain(text) is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == text ? ScalarStyle.Any : ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(null, null, text, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    /// <summary>UTF-8 text of a file or stream, for callers that hold bytes.</summary>
    internal static string Decode(byte[] bytes) => new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
}
