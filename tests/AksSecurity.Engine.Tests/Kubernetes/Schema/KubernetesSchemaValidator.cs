using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tests.Kubernetes.Schema;

/// <summary>
/// Validates a manifest the way `kubectl apply --validate=strict` would, against the Kubernetes 1.35 OpenAPI v3 schemas
/// (TestData/k8s-openapi/v1.35) and the SecretProviderClass CRD (TestData/secrets-store-csi/crd): unknown fields (every object
/// schema with properties is closed unless it preserves unknown fields), wrong types (int-or-string and quantities as Kubernetes
/// defines them, int32/int64 ranges, date-time), enums and missing required fields. Null counts as absent, as the API server
/// treats it. The schema of a manifest is found by x-kubernetes-group-version-kind (CRDs: group, version, names.kind).
/// </summary>
public static partial class KubernetesSchemaValidator
{
    private const string RefPrefix = "#/components/schemas/";
    private const string ObjectMetaId = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private const string QuantityId = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private static readonly Lazy<Schemas> Loaded = new(Load);

    // resource.Quantity's grammar: <signedNumber><suffix>, suffix binary SI (Ki..Ei), decimal SI (m, "", k, M..E) or an exponent.
    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")]
    private static partial Regex QuantityPattern();

    /// <summary>The errors of <paramref name="manifest"/>, each "path: message"; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonObject manifest)
    {
        var errors = new List<string>();
        var apiVersion = manifest["apiVersion"] is JsonValue a && a.TryGetValue<string>(out var av) ? av : null;
        var kind = manifest["kind"] is JsonValue k && k.TryGetValue<string>(out var kv) ? kv : null;
        if (apiVersion is null || kind is null)
        {
            return new[] { "(root): apiVersion and kind are required" };
        }

        var schemas = Loaded.Value;
        if (!schemas.ByKind.TryGetValue((apiVersion, kind), out var root))
        {
            return new[] { $"(root): no schema for apiVersion {apiVersion}, kind {kind}" };
        }

        var context = new Context(schemas, errors);
        foreach (var required in Required(root))
        {
            if (manifest[required] is null)
            {
                errors.Add($"{required}: required field is missing");
            }
        }

        var properties = root["properties"] as JsonObject ?? new JsonObject();
        foreach (var (name, value) in manifest)
        {
            if (value is null)
            {
                continue;
            }

            // CRD schemas leave metadata open; every kind's metadata is an ObjectMeta.
            var schema = name == "metadata" ? schemas.Components[ObjectMetaId] : properties[name];
            if (schema is null)
            {
                errors.Add($"{name}: unknown field \"{name}\"");
                continue;
            }

            context.Check(value, schema, name);
        }

        return errors;
    }

    /// <summary>Validates every document of a YAML text; errors are prefixed with the document's kind and name.</summary>
    public static IReadOnlyList<string> ValidateYaml(string yaml, string source) =>
        ManifestYaml.Parse(yaml, source)
            .SelectMany(m => Validate(m).Select(e => $"{m["kind"]} {m["metadata"]?["name"]}: {e}"))
            .ToArray();

    private sealed class Context(Schemas schemas, List<string> errors)
    {
        public void Check(JsonNode? value, JsonNode? schemaNode, string path)
        {
            if (value is null || schemaNode is not JsonObject schema)
            {
                return;
            }

            if (schema["$ref"] is JsonValue reference)
            {
                var id = reference.GetValue<string>()[RefPrefix.Length..];
                if (id == QuantityId)
                {
                    CheckQuantity(value, path);
                    return;
                }

                Check(value, schemas.Components[id], path);
                return;
            }

            if (schema["allOf"] is JsonArray allOf)
            {
                foreach (var part in allOf)
                {
                    Check(value, part, path);
                }
            }

            if (schema["x-kubernetes-int-or-string"] is JsonValue ios && ios.GetValue<bool>() || Text(schema["format"]) == "int-or-string")
            {
                if (!IsInteger(value) && !IsString(value))
                {
                    errors.Add($"{path}: expected an integer or a string, got {Describe(value)}");
                }

                return;
            }

            if (schema["oneOf"] is JsonArray oneOf && !oneOf.Any(option => Matches(value, option)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", oneOf.Select(o => Text(o?["type"])))}, got {Describe(value)}");
                return;
            }

            var type = Text(schema["type"]) ?? (schema["properties"] is not null ? "object" : null);
            switch (type)
            {
                case "object":
                    CheckObject(value, schema, path);
                    break;
                case "array":
                    if (value is not JsonArray array)
                    {
                        errors.Add($"{path}: expected an array, got {Describe(value)}");
                        break;
                    }

                    for (var i = 0; i < array.Count; i++)
                    {
                        Check(array[i], schema["items"], $"{path}[{i}]");
                    }

                    break;
                case "string":
                    if (!IsString(value))
                    {
                        errors.Add($"{path}: expected a string, got {Describe(value)}");
                    }
                    else if (Text(schema["format"]) == "date-time" && !DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                    {
                        errors.Add($"{path}: \"{value}\" is not an RFC 3339 date-time");
                    }

                    break;
                case "integer":
                    CheckInteger(value, Text(schema["format"]), path);
                    break;
                case "number":
                    if (value.GetValueKind() != JsonValueKind.Number)
                    {
                        errors.Add($"{path}: expected a number, got {Describe(value)}");
                    }

                    break;
                case "boolean":
                    if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        errors.Add($"{path}: expected a boolean, got {Describe(value)}");
                    }

                    break;
            }

            if (schema["enum"] is JsonArray allowed && value is JsonValue && !allowed.Any(e => JsonNode.DeepEquals(e, value)))
            {
                errors.Add($"{path}: {value.ToJsonString()} is not one of {string.Join(", ", allowed.Select(e => e?.ToJsonString()))}");
            }
        }

        private void CheckObject(JsonNode value, JsonObject schema, string path)
        {
            if (value is not JsonObject obj)
            {
                errors.Add($"{path}: expected an object, got {Describe(value)}");
                return;
            }

            foreach (var required in Required(schema))
            {
                if (obj[required] is null)
                {
                    errors.Add($"{path}.{required}: required field is missing");
                }
            }

            var properties = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"];
            var preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && p.GetValue<bool>();
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is { } propertySchema)
                {
                    Check(child, propertySchema, $"{path}.{name}");
                }
                else if (additional is JsonObject mapValues)
                {
                    Check(child, mapValues, $"{path}.{name}");
                }
                else if (child is null || preserveUnknown || additional is JsonValue open && open.GetValue<bool>())
                {
                    continue;
                }
                else if (properties is not null || additional is JsonValue)
                {
                    errors.Add($"{path}.{name}: unknown field \"{name}\"");
                }
            }
        }

        private void CheckInteger(JsonNode value, string? format, string path)
        {
            if (!IsInteger(value))
            {
                errors.Add($"{path}: expected an integer, got {Describe(value)}");
                return;
            }

            var number = decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
            if (format == "int32" && (number < int.MinValue || number > int.MaxValue) || format == "int64" && (number < long.MinValue || number > long.MaxValue))
            {
                errors.Add($"{path}: {number} does not fit {format}");
            }
        }

        private void CheckQuantity(JsonNode value, string path)
        {
            if (value.GetValueKind() == JsonValueKind.Number)
            {
                return;
            }

            if (!IsString(value) || !QuantityPattern().IsMatch(value.GetValue<string>()))
            {
                errors.Add($"{path}: {value.ToJsonString()} is not a Kubernetes quantity (e.g. 100m, 128Mi, 1.5, 1e3)");
            }
        }

        private bool Matches(JsonNode value, JsonNode? option)
        {
            var probe = new List<string>();
            new Context(schemas, probe).Check(value, option, "");
            return probe.Count == 0;
        }
    }

    private static IEnumerable<string> Required(JsonObject schema) =>
        (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()) ?? Enumerable.Empty<string>();

    private static bool IsString(JsonNode value) => value.GetValueKind() == JsonValueKind.String;

    private static bool IsInteger(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number
        && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number);

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {value.ToJsonString()}",
        JsonValueKind.Number => $"the number {value.ToJsonString()}",
        _ => value.ToJsonString(),
    };

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private sealed record Schemas(Dictionary<string, JsonObject> Components, Dictionary<(string ApiVersion, string Kind), JsonObject> ByKind);

    private static Schemas Load()
    {
        var components = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var byKind = new Dictionary<(string, string), JsonObject>();
        foreach (var file in Directory.GetFiles(KubernetesTestData.Path(Path.Combine("k8s-openapi", "v1.35")), "*.json").Order(StringComparer.Ordinal))
        {
            var document = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var (id, schema) in document["components"]!["schemas"]!.AsObject())
            {
                // Every group file repeats the meta types it needs; they are identical, the first is kept.
                if (!components.TryAdd(id, (JsonObject)schema!))
                {
                    continue;
                }

                foreach (var gvk in (schema!["x-kubernetes-group-version-kind"] as JsonArray)?.OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>())
                {
                    var group = Text(gvk["group"]) ?? "";
                    var version = Text(gvk["version"])!;
                    byKind.TryAdd((group.Length == 0 ? version : $"{group}/{version}", Text(gvk["kind"])!), (JsonObject)schema);
                }
            }
        }

        foreach (var file in Directory.GetFiles(KubernetesTestData.Path(Path.Combine("secrets-store-csi", "crd")), "*.yaml"))
        {
            foreach (var crd in ManifestYaml.Parse(File.ReadAllText(file), file))
            {
                var spec = crd["spec"]!;
                foreach (var version in spec["versions"]!.AsArray().OfType<JsonObject>())
                {
                    if (version["schema"]?["openAPIV3Schema"] is JsonObject schema)
                    {
                        byKind[($"{Text(spec["group"])}/{Text(version["name"])}", Text(spec["names"]!["kind"])!)] = schema;
                    }
                }
            }
        }

        return new Schemas(components, byKind);
    }
}
