using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Documents;

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

    /// <summary>Reads every cluster in one file. Throws InvalidData (with the file as target) when it holds none.</summary>
    public static IReadOnlyList<ManagedClusterDocument> ReadFile(string path)
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
    public static IReadOnlyList<ManagedClusterDocument> ReadJson(string json, string source)
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

    public static IReadOnlyList<ManagedClusterDocument> Read(JsonNode? root, string source)
    {
        var candidates = root switch
        {
            JsonArray array => array.Select((node, i) => (node, $"{source}[{i}]")).ToList(),
            JsonObject obj when obj["value"] is JsonArray list => list.Select((node, i) => (node, $"{source}[{i}]")).ToList(),
            // An ARM template (or Bicep build output): only its managed-cluster resources.
            JsonObject obj when obj["resources"] is JsonArray resources && obj["properties"] is null =>
                resources.Select((node, i) => (node, $"{source}#resources[{i}]")).Where(c => IsClusterType(c.node?["type"])).ToList(),
            JsonObject => new List<(JsonNode?, string)> { (root, source) },
            _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"'{source}' holds no JSON object or array.", source),
        };

        var documents = new List<ManagedClusterDocument>();
        foreach (var (node, where) in candidates)
        {
            documents.Add(ToCluster(node, where));
        }

        if (documents.Count == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"'{source}' contains no {ClusterResourceId.ResourceType} resource.", source);
        }

        return documents;
    }

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
        if (clone["properties"] is not JsonObject)
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

    private static bool IsClusterType(JsonNode? type) =>
        type is JsonValue v && v.TryGetValue<string>(out var s) && string.Equals(s, ClusterResourceId.ResourceType, StringComparison.OrdinalIgnoreCase);
}
