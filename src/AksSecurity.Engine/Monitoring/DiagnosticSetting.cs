using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Monitoring;

/// <summary>
/// One diagnostic setting (Microsoft.Insights/diagnosticSettings, api-version 2021-05-01-preview) as ARM returns it:
/// shape of shared/fixtures/arm/insights/createOrUpdateDiagnosticSetting.json. Reads are case-insensitive.
/// </summary>
public sealed class DiagnosticSetting
{
    public const string ApiVersion = "2021-05-01-preview";
    public const string WorkspaceIdPath = "properties.workspaceId";
    public const string LogsPath = "properties.logs";
    public const string DestinationTypePath = "properties.logAnalyticsDestinationType";

    /// <summary>Resource-specific tables (AKSAudit, AKSAuditAdmin, AKSControlPlane) instead of AzureDiagnostics.</summary>
    public const string DedicatedDestination = "Dedicated";

    private static readonly string[] DestinationPaths =
    {
        WorkspaceIdPath, "properties.storageAccountId", "properties.eventHubAuthorizationRuleId", "properties.marketplacePartnerId",
    };

    public DiagnosticSetting(JsonObject json) => Json = json;

    public JsonObject Json { get; }

    public string Name => JsonPaths.GetString(Json, "name") ?? JsonPaths.GetString(Json, "id")?.Split('/')[^1] ?? "";

    /// <summary>The workspace the setting sends to, or null (the service answers "" when there is none).</summary>
    public string? WorkspaceId => JsonPaths.GetString(Json, WorkspaceIdPath) is { Length: > 0 } id ? id : null;

    public string? DestinationType => JsonPaths.GetString(Json, DestinationTypePath);

    /// <summary>True when the setting sends somewhere: a workspace, storage account, event hub or partner solution.</summary>
    public bool HasDestination => DestinationPaths.Any(p => JsonPaths.GetString(Json, p) is { Length: > 0 });

    /// <summary>Log categories switched on by name.</summary>
    public IReadOnlyList<string> EnabledCategories => EnabledLogs("category");

    /// <summary>Category groups switched on ("allLogs", "audit").</summary>
    public IReadOnlyList<string> EnabledCategoryGroups => EnabledLogs("categoryGroup");

    public static string CollectionId(string clusterId) => $"{clusterId}/providers/Microsoft.Insights/diagnosticSettings";

    public static string ResourceId(string clusterId, string name) => $"{CollectionId(clusterId)}/{name}";

    private IReadOnlyList<string> EnabledLogs(string member) =>
        JsonPaths.Get(Json, LogsPath) is JsonArray logs
            ? logs.OfType<JsonObject>()
                .Where(l => JsonPaths.GetBool(l, "enabled") == true)
                .Select(l => JsonPaths.GetString(l, member))
                .OfType<string>()
                .ToArray()
            : Array.Empty<string>();
}

/// <summary>How a log category reaches a destination: which setting sends it, and whether by name or through a group.</summary>
public sealed record CategoryRoute(DiagnosticSetting Setting, string? Group)
{
    public string Describe() => Group is null ? $"diagnostic setting '{Setting.Name}'" : $"diagnostic setting '{Setting.Name}' (categoryGroup {Group})";
}

/// <summary>
/// Every diagnostic setting of one cluster, and which log categories each category group holds. "allLogs" holds every
/// category by definition; other groups ("audit") are read from the cluster's diagnosticSettingsCategories when a
/// setting uses one, and count for nothing when that list cannot be read — never guessed.
/// </summary>
public sealed class ClusterDiagnosticSettings
{
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> _groupMembers;

    public ClusterDiagnosticSettings(IReadOnlyList<DiagnosticSetting> settings, IReadOnlyDictionary<string, IReadOnlySet<string>>? groupMembers = null)
    {
        Settings = settings;
        _groupMembers = groupMembers ?? new Dictionary<string, IReadOnlySet<string>>();
    }

    public IReadOnlyList<DiagnosticSetting> Settings { get; }

    /// <summary>Settings that send at least one log category (or group) to a destination.</summary>
    public IReadOnlyList<DiagnosticSetting> SendingLogs =>
        Settings.Where(s => s.HasDestination && (s.EnabledCategories.Count > 0 || s.EnabledCategoryGroups.Count > 0)).ToArray();

    public DiagnosticSetting? Named(string name) => Settings.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Groups used by the settings whose members could not be read.</summary>
    public IReadOnlyList<string> UnresolvedGroups =>
        SendingLogs.SelectMany(s => s.EnabledCategoryGroups)
            .Where(g => !IsAllLogs(g) && !_groupMembers.ContainsKey(g))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();

    /// <summary>Every way <paramref name="category"/> reaches a destination; empty when it is not collected.</summary>
    public IReadOnlyList<CategoryRoute> RoutesOf(string category)
    {
        var routes = new List<CategoryRoute>();
        foreach (var setting in SendingLogs)
        {
            if (setting.EnabledCategories.Contains(category, StringComparer.OrdinalIgnoreCase))
            {
                routes.Add(new CategoryRoute(setting, null));
                continue;
            }

            var group = setting.EnabledCategoryGroups.FirstOrDefault(g => GroupHolds(g, category));
            if (group is not null)
            {
                routes.Add(new CategoryRoute(setting, group));
            }
        }

        return routes;
    }

    private bool GroupHolds(string group, string category) =>
        IsAllLogs(group) || (_groupMembers.TryGetValue(group, out var members) && members.Contains(category));

    private static bool IsAllLogs(string group) => string.Equals(group, AksLogCategories.AllLogsGroup, StringComparison.OrdinalIgnoreCase);

    /// <summary>Lists the cluster's diagnostic settings, and the category list when a setting uses a group other than allLogs.</summary>
    public static async Task<ClusterDiagnosticSettings> ReadAsync(ArmResources arm, string clusterId, IOperationSink sink, CancellationToken cancellationToken)
    {
        // Shape of the spec's listDiagnosticSettings.json example (2021-05-01-preview): {"value": [setting, ...]}.
        var items = await arm.ListAsync(DiagnosticSetting.CollectionId(clusterId), DiagnosticSetting.ApiVersion, null, sink, cancellationToken).ConfigureAwait(false);
        var settings = items.Select(i => new DiagnosticSetting(i)).ToArray();
        var partial = new ClusterDiagnosticSettings(settings);
        if (partial.UnresolvedGroups.Count == 0)
        {
            return partial;
        }

        return new ClusterDiagnosticSettings(settings, await ReadGroupMembersAsync(arm, clusterId, sink, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ReadGroupMembersAsync(ArmResources arm, string clusterId, IOperationSink sink,
        CancellationToken cancellationToken)
    {
        try
        {
            var categories = await arm.ListAsync($"{clusterId}/providers/Microsoft.Insights/diagnosticSettingsCategories", DiagnosticSetting.ApiVersion, null, sink,
                cancellationToken).ConfigureAwait(false);
            return GroupMembersOf(categories);
        }
        catch (AksSecurityException ex) when (ex.Kind is AksErrorKind.ObjectNotFound or AksErrorKind.PermissionDenied)
        {
            sink.Warning($"The log categories of the cluster's category groups could not be read, so categories sent only through a group other than allLogs are not counted: {ex.Message}");
            return new Dictionary<string, IReadOnlySet<string>>(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>
    /// Which categories each group holds, from the cluster's diagnosticSettingsCategories (shape of the spec's
    /// listDiagnosticSettingsCategories.json example: value[].name with properties.categoryGroups).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> GroupMembersOf(IEnumerable<JsonObject> categories)
    {
        var members = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in categories)
        {
            if (JsonPaths.GetString(category, "name") is not { } name)
            {
                continue;
            }

            foreach (var group in JsonPaths.GetStringArray(category, "properties.categoryGroups"))
            {
                if (!members.TryGetValue(group, out var set))
                {
                    members[group] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                }

                set.Add(name);
            }
        }

        return members.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value, StringComparer.OrdinalIgnoreCase);
    }
}
