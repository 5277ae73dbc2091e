using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>Reads an apply body: JSON, or YAML (one document) converted with YAML 1.2 core-schema scalars.</summary>
internal static class YamlJson
{
    /// <summary>The body as a JSON object; FormatException (the API server answers 400) when it is neither.</summary>
    public static JsonObject ParseObject(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new FormatException("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml");
        }

        var trimmed = body.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                return JsonNode.Parse(body) as JsonObject ?? throw new FormatException("the request body is not a JSON object");
            }
            catch (JsonException e)
            {
                throw new FormatException($"error decoding JSON: {e.Message}");
            }
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(body));
            if (stream.Documents.Count != 1 || Convert(stream.Documents[0].RootNode) is not JsonObject obj)
            {
                throw new FormatException("error decoding YAML: the body must be one YAML mapping");
            }

            return obj;
        }
        catch (YamlException e)
        {
            throw new FormatException($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}");
        }
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", Convert(p.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException("error converting YAML to JSON: aliases are not supported"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when text.Any(char.IsAsciiDigit) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(text),
        };
    }
}
