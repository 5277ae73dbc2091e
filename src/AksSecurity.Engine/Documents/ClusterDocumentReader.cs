using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Documents;

/// <summary>One cluster entry of a file: its document, or why that entry is not one (the file's other entries still count).</summary>
public sealed class DocumentEntry
{
    private readonly ManagedClusterDocument? _document;
    private readonly AksSecurityException? _error;

    private DocumentEntry(string source, ManagedClusterDocument? document, AksSecurityException? error)
    {
        Source = source;
        _document = document;
        _error = error;
    }

    public string Source { get; }

    /// <summary>The cluster document; throws the entry's own error when it is not one.</summary>
    public ManagedClusterDocument Document => _document ?? throw _error!;

    internal static DocumentEntry Of(ManagedClusterDocument document) => new(document.Source, document, null);

    internal static DocumentEntry Failed(string source, AksSecurityException error) => new(source, null, error);
}

/// <summary>
/// Reads cluster documents from files for the offline audit. A file may hold an ARM GET response, an ARM list
/// (<c>{"value": [...]}</c>), a JSON array of clusters, `az aks show -o json` output (properties flattened to the top),
/// or an ARM template / Bicep-compiled JSON with Microsoft.ContainerService/managedClusters resources.
/// </summary>
public static class ClusterDocumentReader
{
    // Top-level members of an ARM resource; everything else in flattened `az aks show` output belongs under properties.
    private static readonly HashSet<string> EnvelopeMembers = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "name", "type", "location", "tags", "sku", "identity", "eTag", "etag", "extendedLocation", "kind", "systemData",
        "resourceGroup", "zones", "apiVersion", "dependsOn", "properties",
    };

    private const long MaxFileBytes = 64 * 1024 * 1024;

    /// <summary>
    /// Reads every cluster entry of one file. Throws (with the file as target) when the file as a whole is unreadable;
    /// an entry that is not a cluster carries its own error.
    /// </summary>
    public static IReadOnlyList<DocumentEntry> ReadFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"File '{path}' does not exist.", path);
        }

        if (info.Length > MaxFileBytes)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"File '{path}' is {info.Length / 1024 / 1024} MiB; cluster documents over {MaxFileBytes / 1024 / 1024} MiB are refused.", path);
        }

        JsonNode? root;
        try
        {
            // Strict decoding up front: JsonNode parses lazily and would only trip over bad bytes later.
            using var reader = new StreamReader(path, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            root = JsonNode.Parse(reader.ReadToEnd(), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"File '{path}' is not valid JSON: {ex.Message}", path, ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"File '{path}' is not UTF-8 text.", path, ex);
        }

        return Read(root, path);
    }

    /// <summary>Reads clusters from JSON text (Get-AksCluster's Json property); the cmdlets pass text, never JsonNode, across the load-context boundary.</summary>
    public static IReadOnlyList<DocumentEntry> ReadJson(string json, string source)
    {
        try
        {
            return Read(JsonNode.Parse(json), source);
        }
        catch (JsonException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"'{source}' is not valid JSON: {ex.Message}", source, ex);
        }
    }

    public static IReadOnlyList<DocumentEntry> Read(JsonNode? root, string source)
    {
        var candidates = root switch
        {
            JsonArray array => array.Select((node, i) => (node, $"{source}[{i}]")).ToList(),
            JsonObject obj when obj["value"] is JsonArray list => list.Select((node, i) => (node, $"{source}[{i}]")).ToList(),
            // An ARM template (or Bicep build output): only its managed-cluster resources.
            JsonObject obj when obj["resources"] is JsonArray or JsonObject && obj["properties"] is null => TemplateClusters(obj, source).ToList(),
            JsonObject => new List<(JsonNode?, string)> { (root, source) },
            _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"'{source}' holds no JSON object or array.", source),
        };

        var entries = new List<DocumentEntry>();
        foreach (var (node, where) in candidates)
        {
            try
            {
                entries.Add(DocumentEntry.Of(ToCluster(node, where)));
            }
            catch (AksSecurityException ex)
            {
                entries.Add(DocumentEntry.Failed(where, ex));
            }
        }

        if (entries.Count == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"'{source}' contains no {ClusterResourceId.ResourceType} resource.", source);
        }

        return entries;
    }

    /// <summary>
    /// The managed-cluster resources a template declares: "resources" is an array, or with languageVersion 2.0 an object
    /// of symbolic names. Nested deployments (Bicep modules) are searched too; "existing" references declare nothing.
    /// </summary>
    private static IEnumerable<(JsonNode? Node, string Where)> TemplateClusters(JsonObject template, string where)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select((node, i) => (node, $"{where}#resources[{i}]")),
            JsonObject symbolic => symbolic.Select(p => (p.Value, $"{where}#resources['{p.Key}']")),
            _ => Enumerable.Empty<(JsonNode?, string)>(),
        };

        foreach (var (node, at) in resources)
        {
            if (node is not JsonObject resource || JsonPaths.GetBool(resource, "existing") == true)
            {
                continue;
            }

            if (IsClusterType(resource["type"]))
            {
                yield return (resource, at);
            }
            else if (IsType(resource["type"], DeploymentType) && JsonPaths.Get(resource, "properties.template") is JsonObject nested)
            {
                foreach (var inner in TemplateClusters(nested, $"{at}.properties.template"))
                {
                    yield return inner;
                }
            }
        }
    }

    private const string DeploymentType = "Microsoft.Resources/deployments";

    private static ManagedClusterDocument ToCluster(JsonNode? node, string where)
    {
        if (node is not JsonObject obj)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"'{where}' is not a JSON object.", where);
        }

        var type = obj["type"];
        if (type is not null && !IsClusterType(type))
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"'{where}' is a {JsonPaths.Display(type)} resource, not a managed cluster.", where);
        }

        var clone = (JsonObject)obj.DeepClone();
        // A template may give properties as one expression: left as it is, every setting under it is then unknown.
        if (clone["properties"] is not JsonObject && !(clone["properties"] is JsonValue whole && whole.TryGetValue<string>(out var wholeText) && TemplateExpressions.IsExpression(wholeText)))
        {
            // `az aks show` flattens properties to the top level.
            var looksLikeCluster = type is not null || clone.Any(p => p.Key is "agentPoolProfiles" or "kubernetesVersion" or "apiServerAccessProfile" or "fqdn" or "dnsPrefix");
            if (!looksLikeCluster)
            {
                throw new AksSecurityException(AksErrorKind.InvalidData, $"'{where}' does not look like an AKS managed cluster document (no properties, no type).", where);
            }

            var properties = new JsonObject();
            foreach (var key in clone.Select(p => p.Key).Where(k => !EnvelopeMembers.Contains(k)).ToList())
            {
                var value = clone[key];
                clone.Remove(key);
                properties[key] = value;
            }

            clone["properties"] = properties;
        }

        return new ManagedClusterDocument(clone, where);
    }

    private static bool IsClusterType(JsonNode? type) => IsType(type, ClusterResourceId.ResourceType);

    private static bool IsType(JsonNode? type, string expected) =>
        type is JsonValue v && v.TryGetValue<string>(out var s) && string.Equals(s, expected, StringComparison.OrdinalIgnoreCase);
}
