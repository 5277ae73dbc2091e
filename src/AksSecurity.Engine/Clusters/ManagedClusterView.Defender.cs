namespace AksSecurity.Engine.Clusters;

/// <summary>Microsoft Defender for Containers settings of the cluster (NOTES.md §4, example ManagedClustersCreate_SecurityProfile.json).</summary>
public sealed partial class ManagedClusterView
{
    public const string DefenderPath = "properties.securityProfile.defender";
    public const string DefenderSensorPath = DefenderPath + ".securityMonitoring.enabled";
    public const string DefenderWorkspacePath = DefenderPath + ".logAnalyticsWorkspaceResourceId";

    /// <summary>True when the Defender sensor runs in the cluster.</summary>
    public bool DefenderSensorEnabled => JsonPaths.GetBool(_root, DefenderSensorPath) == true;

    public string? DefenderWorkspaceId => JsonPaths.GetString(_root, DefenderWorkspacePath);
}
