using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Defender;
using AksSecurity.Engine.Monitoring;
using AksSecurity.Engine.Policy;

namespace AksSecurity.Engine.Documents;

/// <summary>
/// The resources beside a cluster, for the offline audit: evidence files in ARM's own shapes.
/// </summary>
/// <remarks>
/// An evidence file (name ending in <c>.evidence.json</c>) holds one object, or an array of them:
/// <code>
/// { "clusterId": "/subscriptions/…/managedClusters/aks-prod",   (or "clusterName"; optional, see below)
///   "policyAssignments":  [ … ],   GET {clusterId}/providers/Microsoft.Authorization/policyAssignments?$filter=atScope()
///   "diagnosticSettings": [ … ],   GET {clusterId}/providers/Microsoft.Insights/diagnosticSettings
///   "diagnosticSettingsCategories": [ … ],  GET {clusterId}/providers/Microsoft.Insights/diagnosticSettingsCategories
///   "maintenanceConfigurations": [ … ],     GET {clusterId}/maintenanceConfigurations
///   "defenderPlan": { … },         GET /subscriptions/{sub}/providers/Microsoft.Security/pricings/Containers
///   "kubernetesVersions": { … } }  GET /subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions
/// </code>
/// Each array may also be ARM's list response (<c>{"value": [...]}</c>), so <c>az rest</c> output can be pasted as it is.
/// A member that is present (even empty) was read; a member that is absent was not, and its checks are skipped.
/// An entry names its cluster by clusterId or clusterName. The file beside a document (<c>prod.json</c> →
/// <c>prod.evidence.json</c>) may leave the name out when the document holds one cluster.
/// </remarks>
public sealed class OfflineEvidence
{
    public const string FileSuffix = ".evidence.json";

    private readonly List<Entry> _given = new();
    private readonly Dictionary<string, IReadOnlyList<Entry>> _siblings = new(StringComparer.Ordinal);

    private OfflineEvidence()
    {
    }

    public static bool IsEvidenceFile(string path) => path.EndsWith(FileSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The sibling evidence file of a document: prod.json → prod.evidence.json.</summary>
    public static string SiblingOf(string documentFile) =>
        Path.Combine(Path.GetDirectoryName(documentFile) ?? "", Path.GetFileNameWithoutExtension(documentFile) + FileSuffix);

    /// <summary>Evidence files given explicitly (-EvidencePath): files, or folders whose *.evidence.json files are read.</summary>
    public static OfflineEvidence Load(IEnumerable<string> paths)
    {
        var evidence = new OfflineEvidence();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*" + FileSuffix).Order(StringComparer.Ordinal))
                {
                    evidence._given.AddRange(ReadFile(file));
                }
            }
            else if (File.Exists(path))
            {
                evidence._given.AddRange(ReadFile(path));
            }
            else
            {
                throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"Evidence path '{path}' does not exist.", path);
            }
        }

        return evidence;
    }

    /// <summary>
    /// Fills in the evidence of one cluster read from <paramref name="documentFile"/>: from the given files by cluster id
    /// or name, else from the file beside the document. Returns the evidence file used, or null when there is none.
    /// </summary>
    public string? Apply(ClusterEvidence evidence, string documentFile, int clustersInDocument)
    {
        var view = evidence.View;
        var entry = _given.FirstOrDefault(e => e.Names(view)) ?? Siblings(documentFile).FirstOrDefault(e => e.Names(view) || (e.Unnamed && clustersInDocument == 1));
        if (entry is null)
        {
            return null;
        }

        entry.ApplyTo(evidence);
        return entry.Source;
    }

    private IReadOnlyList<Entry> Siblings(string documentFile)
    {
        var sibling = SiblingOf(documentFile);
        if (!_siblings.TryGetValue(sibling, out var entries))
        {
            _siblings[sibling] = entries = File.Exists(sibling) ? ReadFile(sibling) : Array.Empty<Entry>();
        }

        return entries;
    }

    private static IReadOnlyList<Entry> ReadFile(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Evidence file '{path}' is not valid JSON: {ex.Message}", path, ex);
        }

        var items = root switch
        {
            JsonObject one => new JsonNode?[] { one },
            JsonArray many => many.ToArray(),
            _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"Evidence file '{path}' must hold an object or an array of objects.", path),
        };
        return items.Select((item, i) => item as JsonObject
                ?? throw new AksSecurityException(AksErrorKind.InvalidData, $"Entry {i} of evidence file '{path}' is not an object.", path))
            .Select((item, i) => new Entry(item, items.Length == 1 ? path : $"{path}[{i}]"))
            .ToArray();
    }

    private sealed class Entry
    {
        private static readonly string[] Members =
        {
            "clusterId", "clusterName", "policyAssignments", "diagnosticSettings", "diagnosticSettingsCategories", "maintenanceConfigurations", "defenderPlan", "kubernetesVersions",
        };

        private readonly JsonObject _json;
        private readonly IReadOnlyList<JsonObject>? _assignments;
        private readonly IReadOnlyList<JsonObject>? _settings;
        private readonly IReadOnlyList<JsonObject>? _categories;
        private readonly IReadOnlyList<JsonObject>? _configurations;
        private readonly JsonObject? _plan;
        private readonly JsonObject? _versions;

        /// <summary>Checks the entry's shape at once, so a bad file fails whether or not a cluster matches it.</summary>
        public Entry(JsonObject json, string source)
        {
            _json = json;
            Source = source;
            var unknown = json.Select(p => p.Key).Where(k => !Members.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
            if (unknown.Count > 0)
            {
                // A misspelt member would silently leave its checks unrun.
                throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"Evidence '{source}' has unknown member(s) {string.Join(", ", unknown)}; the members are {string.Join(", ", Members)}.", source);
            }

            _assignments = List("policyAssignments");
            _settings = List("diagnosticSettings");
            _categories = List("diagnosticSettingsCategories");
            _configurations = List("maintenanceConfigurations");
            _plan = Object("defenderPlan");
            _versions = Object("kubernetesVersions");
        }

        public string Source { get; }

        private string? ClusterId => JsonPaths.GetString(_json, "clusterId");
        private string? ClusterName => JsonPaths.GetString(_json, "clusterName");

        public bool Unnamed => ClusterId is null && ClusterName is null;

        public bool Names(ManagedClusterView view) =>
            (ClusterId is { } id && id.TrimEnd('/').Equals(view.Id.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            || (ClusterName is { } name && name.Equals(view.Name, StringComparison.OrdinalIgnoreCase));

        public void ApplyTo(ClusterEvidence evidence)
        {
            var view = evidence.View;
            if (_assignments is { } assignments)
            {
                evidence.PolicyAssignments = assignments.Select(a => new PolicyAssignment(a)).ToArray();
            }

            if (_settings is { } settings)
            {
                var groups = _categories is { } categories ? ClusterDiagnosticSettings.GroupMembersOf(categories) : null;
                evidence.DiagnosticSettings = new ClusterDiagnosticSettings(settings.Select(s => new DiagnosticSetting(s)).ToArray(), groups);
            }

            if (_configurations is { } configurations)
            {
                evidence.MaintenanceConfigurations = configurations.Select(MaintenanceConfigurationInfo.From).ToArray();
            }

            if (_plan is { } plan)
            {
                evidence.DefenderPlan = new DefenderForContainersPlan(view.SubscriptionId, plan);
            }

            if (_versions is { } versions)
            {
                var location = view.Location ?? throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"Evidence '{Source}' gives kubernetesVersions, but the cluster document has no location to read them for.", Source);
                evidence.SupportedKubernetesVersions = KubernetesVersionCatalog.Parse(location, versions);
            }
        }

        /// <summary>The member as an array of objects (or ARM's {"value": [...]}); null when absent.</summary>
        private IReadOnlyList<JsonObject>? List(string member) => JsonPaths.Get(_json, member) switch
        {
            null => null,
            JsonArray array => Objects(array, member),
            JsonObject list when JsonPaths.Get(list, "value") is JsonArray array => Objects(array, member),
            _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"Evidence '{Source}': {member} must be an array (or ARM's {{\"value\": [...]}}).", Source),
        };

        private JsonObject? Object(string member) => JsonPaths.Get(_json, member) switch
        {
            null => null,
            JsonObject obj => obj,
            _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"Evidence '{Source}': {member} must be an object as ARM returns it.", Source),
        };

        private IReadOnlyList<JsonObject> Objects(JsonArray array, string member) =>
            array.Select(n => n as JsonObject
                ?? throw new AksSecurityException(AksErrorKind.InvalidData, $"Evidence '{Source}': every item of {member} must be an object.", Source)).ToArray();
    }
}
