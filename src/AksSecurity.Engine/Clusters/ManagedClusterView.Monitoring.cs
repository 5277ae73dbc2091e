namespace AksSecurity.Engine.Clusters;

/// <summary>Container Insights and managed Prometheus settings (NOTES.md §4).</summary>
public sealed partial class ManagedClusterView
{
    /// <summary>The Container Insights add-on key, as the service writes it; read case-insensitively.</summary>
    public const string ContainerInsightsAddon = "omsagent";

    public const string ContainerInsightsPath = AddonProfilesPath + "." + ContainerInsightsAddon;

    /// <summary>Note the "ID" casing: the service's own key.</summary>
    public const string ContainerInsightsWorkspaceKey = "logAnalyticsWorkspaceResourceID";

    /// <summary>"true": the agent authenticates with the cluster's managed identity instead of the workspace key.</summary>
    public const string ContainerInsightsAadAuthKey = "useAADAuth";

    public const string PrometheusMetricsPath = "properties.azureMonitorProfile.metrics.enabled";

    public bool ContainerInsightsEnabled => IsAddonEnabled(ContainerInsightsAddon);

    public string? ContainerInsightsWorkspaceId => JsonPaths.GetString(_root, $"{ContainerInsightsPath}.config.{ContainerInsightsWorkspaceKey}");

    public bool ContainerInsightsUsesManagedIdentity => JsonPaths.GetBool(_root, $"{ContainerInsightsPath}.config.{ContainerInsightsAadAuthKey}") == true;

    public bool PrometheusMetricsEnabled => JsonPaths.GetBool(_root, PrometheusMetricsPath) == true;
}
