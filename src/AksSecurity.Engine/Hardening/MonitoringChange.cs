using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Monitoring;

namespace AksSecurity.Engine.Hardening;

/// <summary>What Enable-AksMonitoring was asked to do.</summary>
public sealed class MonitoringRequest
{
    public const string DefaultDiagnosticSettingName = "aks-security-audit";

    public string WorkspaceResourceId { get; init; } = "";

    /// <summary>The diagnostic setting this module owns on the cluster.</summary>
    public string DiagnosticSettingName { get; init; } = DefaultDiagnosticSettingName;

    /// <summary>Log categories to send besides kube-audit-admin and guard.</summary>
    public IReadOnlyList<string> AdditionalLogCategories { get; init; } = Array.Empty<string>();

    /// <summary>Turn on Container Insights (the omsagent add-on). On unless the caller opts out.</summary>
    public bool ContainerInsights { get; init; } = true;

    /// <summary>Turn on managed Prometheus metrics. Opt-in: see Enable-AksMonitoring's help for why.</summary>
    public bool PrometheusMetrics { get; init; }
}

/// <summary>
/// Monitoring and audit logs: Container Insights with managed-identity auth, managed Prometheus metrics, and a
/// diagnostic setting on the cluster that sends kube-audit-admin and guard (and any further categories) to a
/// Log Analytics workspace. The workspace must exist; it is read once before anything is planned beside the cluster.
/// </summary>
public sealed class MonitoringChange : IClusterChange
{
    private readonly MonitoringRequest _request;
    private readonly WorkspaceExistenceCheck _workspaceCheck;

    /// <summary>Validates everything that can be checked without the cluster; throws InvalidArgument before anything is sent.</summary>
    public MonitoringChange(MonitoringRequest request)
    {
        _request = request;
        Workspace = LogAnalyticsWorkspaceId.Parse(request.WorkspaceResourceId, "WorkspaceResourceId");
        ValidateSettingName(request.DiagnosticSettingName);
        LogCategories = AksLogCategories.Baseline.Concat(AksLogCategories.Normalize(request.AdditionalLogCategories, "AdditionalLogCategory")).Distinct().ToArray();
        _workspaceCheck = new WorkspaceExistenceCheck(Workspace);
    }

    public string Action => "Enable monitoring and audit logs";

    public LogAnalyticsWorkspaceId Workspace { get; }

    /// <summary>The categories the diagnostic setting sends: kube-audit-admin, guard, then the additional ones.</summary>
    public IReadOnlyList<string> LogCategories { get; }

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var plan = new ChangePlan();
        if (_request.ContainerInsights)
        {
            PlanContainerInsights(current, plan);
        }

        if (_request.PrometheusMetrics && !current.View.PrometheusMetricsEnabled)
        {
            plan.Set(current.Root, ManagedClusterView.PrometheusMetricsPath, JsonValue.Create(true));
        }

        return plan;
    }

    public async Task<IReadOnlyList<ResourceChange>> PlanResourcesAsync(ArmResources arm, ManagedClusterDocument current, ChangePlan clusterPlan,
        IOperationSink sink, CancellationToken cancellationToken)
    {
        await _workspaceCheck.EnsureExistsAsync(arm, sink, cancellationToken).ConfigureAwait(false);
        var settings = await ClusterDiagnosticSettings.ReadAsync(arm, current.View.Id, sink, cancellationToken).ConfigureAwait(false);
        var change = PlanDiagnosticSetting(current.View.Id, settings, clusterPlan.Warnings);
        return change is null ? Array.Empty<ResourceChange>() : new[] { change };
    }

    /// <summary>
    /// The write to our diagnostic setting, or null when it already sends every category to the workspace. Categories
    /// that another setting already sends to the same workspace are left out: Azure Monitor refuses the same category
    /// to the same destination from two settings of one resource.
    /// </summary>
    internal ResourceChange? PlanDiagnosticSetting(string clusterId, ClusterDiagnosticSettings settings, List<string> warnings)
    {
        var name = _request.DiagnosticSettingName;
        var existing = settings.Named(name);
        var before = existing?.Json;
        var after = before is null ? new JsonObject() : (JsonObject)before.DeepClone();

        if (existing?.WorkspaceId is { } oldWorkspace && !Workspace.Matches(oldWorkspace))
        {
            warnings.Add($"Diagnostic setting '{existing.Name}' sends to workspace {oldWorkspace} now; it will send to {Workspace.Id} instead.");
        }

        if (!Workspace.Matches(existing?.WorkspaceId))
        {
            JsonPaths.Set(after, DiagnosticSetting.WorkspaceIdPath, JsonValue.Create(Workspace.Id));
        }

        if (!string.Equals(existing?.DestinationType, DiagnosticSetting.DedicatedDestination, StringComparison.OrdinalIgnoreCase))
        {
            JsonPaths.Set(after, DiagnosticSetting.DestinationTypePath, JsonValue.Create(DiagnosticSetting.DedicatedDestination));
        }

        foreach (var category in LogCategories)
        {
            var routes = settings.RoutesOf(category);
            if (existing is not null && routes.Any(r => r.Setting == existing))
            {
                continue;
            }

            var elsewhere = routes.FirstOrDefault(r => Workspace.Matches(r.Setting.WorkspaceId));
            if (elsewhere is not null)
            {
                warnings.Add($"{category} already goes to workspace {Workspace.Name} through {elsewhere.Describe()}; it is not added to '{name}'.");
                continue;
            }

            EnableCategory(after, category);
        }

        if (LogCategories.Contains(AksLogCategories.KubeAudit))
        {
            warnings.Add($"{AksLogCategories.KubeAudit} includes every get and list request and usually costs many times more than {AksLogCategories.KubeAuditAdmin}, which records every change.");
        }

        if (existing is null && JsonPaths.Get(after, DiagnosticSetting.LogsPath) is null)
        {
            // Every category already goes to the workspace through other settings: nothing is left for a new one.
            return null;
        }

        return JsonPaths.DeepEquals(before, after)
            ? null
            : new ResourceChange(DiagnosticSetting.ResourceId(clusterId, name), DiagnosticSetting.ApiVersion, $"diagnostic setting '{name}'", before, after);
    }

    /// <summary>Switches a category on in the setting's logs: the existing entry if there is one (keeping its retention), else a new one.</summary>
    private static void EnableCategory(JsonObject setting, string category)
    {
        if (JsonPaths.Get(setting, DiagnosticSetting.LogsPath) is not JsonArray logs)
        {
            JsonPaths.Set(setting, DiagnosticSetting.LogsPath, new JsonArray());
            logs = (JsonArray)JsonPaths.Get(setting, DiagnosticSetting.LogsPath)!;
        }

        var entry = logs.OfType<JsonObject>().FirstOrDefault(l => string.Equals(JsonPaths.GetString(l, "category"), category, StringComparison.OrdinalIgnoreCase));
        if (entry is null)
        {
            logs.Add(new JsonObject { ["category"] = category, ["enabled"] = true });
        }
        else
        {
            entry[JsonPaths.ExistingKey(entry, "enabled")] = true;
        }
    }

    private void PlanContainerInsights(ManagedClusterDocument current, ChangePlan plan)
    {
        var view = current.View;
        var root = current.Root;
        // Keep the add-on and config keys as the document spells them ("omsAgent", "logAnalyticsWorkspaceResourceId").
        var addon = $"{ManagedClusterView.AddonProfilesPath}.{SpelledAs(root, ManagedClusterView.AddonProfilesPath, ManagedClusterView.ContainerInsightsAddon)}";
        var config = $"{addon}.{SpelledAs(root, addon, "config")}";
        if (!view.ContainerInsightsEnabled)
        {
            plan.Set(root, $"{addon}.{SpelledAs(root, addon, "enabled")}", JsonValue.Create(true));
        }

        var oldWorkspace = view.ContainerInsightsWorkspaceId;
        if (!Workspace.Matches(oldWorkspace))
        {
            if (view.ContainerInsightsEnabled && !string.IsNullOrEmpty(oldWorkspace))
            {
                plan.Warnings.Add($"Container Insights of '{view.Name}' sends to workspace {oldWorkspace} now; it will send to {Workspace.Id} instead.");
            }

            plan.Set(root, $"{config}.{SpelledAs(root, config, ManagedClusterView.ContainerInsightsWorkspaceKey)}", JsonValue.Create(Workspace.Id));
        }

        if (!view.ContainerInsightsUsesManagedIdentity)
        {
            // Add-on config values are strings.
            plan.Set(root, $"{config}.{SpelledAs(root, config, ManagedClusterView.ContainerInsightsAadAuthKey)}", JsonValue.Create("true"));
        }
    }

    /// <summary>The key as the object at <paramref name="parentPath"/> spells it, or <paramref name="key"/> when absent.</summary>
    private static string SpelledAs(JsonObject root, string parentPath, string key) =>
        JsonPaths.Get(root, parentPath) is JsonObject parent ? JsonPaths.ExistingKey(parent, key) : key;

    private static void ValidateSettingName(string name)
    {
        // The name becomes the last segment of a URL path: refuse what would change the path or the query.
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(new[] { '/', '\\', '?', '#', '%', '&' }) >= 0 || name.Any(char.IsControl) || name.Length > 260)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{name}' is not a valid diagnostic setting name: give 1-260 characters without / \\ ? # % &.", "DiagnosticSettingName");
        }
    }
}
