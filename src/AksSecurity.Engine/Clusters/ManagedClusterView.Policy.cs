using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>The Azure Policy add-on (properties.addonProfiles.azurepolicy; the policy alias spells it azurePolicy).</summary>
public sealed partial class ManagedClusterView
{
    public const string AzurePolicyAddon = "azurepolicy";

    /// <summary>The add-on's key as the document spells it ("azurepolicy" when absent), so an edit keeps that spelling.</summary>
    public string AzurePolicyAddonKey =>
        JsonPaths.Get(_root, AddonProfilesPath) is JsonObject addons ? JsonPaths.ExistingKey(addons, AzurePolicyAddon) : AzurePolicyAddon;

    public string AzurePolicyAddonEnabledPath => $"{AddonProfilesPath}.{AzurePolicyAddonKey}.enabled";

    public bool AzurePolicyAddonEnabled => IsAddonEnabled(AzurePolicyAddon);
}
