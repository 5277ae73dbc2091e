using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>
/// Read-only view of one entry of properties.agentPoolProfiles (ManagedClusterAgentPoolProfile, api-version 2026-08-01;
/// property names verified in stable/2026-08-01/managedClusters.json at commit 10c88683). Reads are case-insensitive:
/// `az aks show` spells enableFips, enableVtpm.
/// </summary>
public sealed class AgentPoolView
{
    private readonly JsonObject _pool;

    public AgentPoolView(JsonObject pool, int index)
    {
        _pool = pool;
        Index = index;
    }

    /// <summary>Position in agentPoolProfiles, for JSON paths in evidence.</summary>
    public int Index { get; }

    public string Name => JsonPaths.GetString(_pool, "name") ?? $"#{Index}";

    /// <summary>The JSON path of this pool, "properties.agentPoolProfiles[0]".</summary>
    public string Path => $"{ManagedClusterView.AgentPoolProfilesPath}[{Index}]";

    /// <summary>"Linux" (the default) or "Windows".</summary>
    public string OsType => JsonPaths.GetString(_pool, "osType") ?? "Linux";

    public bool IsWindows => string.Equals(OsType, "Windows", StringComparison.OrdinalIgnoreCase);

    /// <summary>The version the user asked for (orchestratorVersion), "1.30" or "1.30.4".</summary>
    public string? OrchestratorVersion => JsonPaths.GetString(_pool, "orchestratorVersion");

    /// <summary>The version the pool runs (read-only currentOrchestratorVersion).</summary>
    public string? CurrentOrchestratorVersion => JsonPaths.GetString(_pool, "currentOrchestratorVersion");

    /// <summary>The version the pool runs, or asked for when the document has no current version (templates).</summary>
    public string? EffectiveVersion => CurrentOrchestratorVersion ?? OrchestratorVersion;

    public bool NodePublicIp => JsonPaths.GetBool(_pool, "enableNodePublicIP") == true;

    public bool Fips => JsonPaths.GetBool(_pool, "enableFIPS") == true;

    /// <summary>securityProfile.sshAccess: LocalUser (the default when absent), Disabled or EntraId.</summary>
    public string? SshAccess => JsonPaths.GetString(_pool, "securityProfile.sshAccess");

    public bool SecureBoot => JsonPaths.GetBool(_pool, "securityProfile.enableSecureBoot") == true;

    public bool Vtpm => JsonPaths.GetBool(_pool, "securityProfile.enableVTPM") == true;

    /// <summary>Host encryption of the nodes' temporary disks and disk caches.</summary>
    public bool EncryptionAtHost => JsonPaths.GetBool(_pool, "enableEncryptionAtHost") == true;

    /// <summary>"VirtualMachineScaleSets" (the default when absent) or "AvailabilitySet"; later api-versions add "VirtualMachines".</summary>
    public string? Type => JsonPaths.GetString(_pool, "type");

    public bool IsAvailabilitySet => string.Equals(Type, "AvailabilitySet", StringComparison.OrdinalIgnoreCase);

    public bool IsScaleSet => Type is null || string.Equals(Type, "VirtualMachineScaleSets", StringComparison.OrdinalIgnoreCase);

    public bool AutoScaling => JsonPaths.GetBool(_pool, "enableAutoScaling") == true;
}
