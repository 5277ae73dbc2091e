using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>
/// Typed, read-only view of the security-relevant settings of a managed cluster document (api-version 2026-08-01).
/// Reads are case-insensitive, so ARM GET output and `az aks show` output read alike.
/// </summary>
public sealed partial class ManagedClusterView
{
    public const string ApiServerAccessProfile = "properties.apiServerAccessProfile";
    public const string AuthorizedIpRangesPath = ApiServerAccessProfile + ".authorizedIPRanges";
    public const string EnablePrivateClusterPath = ApiServerAccessProfile + ".enablePrivateCluster";
    public const string EnablePrivateClusterPublicFqdnPath = ApiServerAccessProfile + ".enablePrivateClusterPublicFQDN";
    public const string DisableRunCommandPath = ApiServerAccessProfile + ".disableRunCommand";
    public const string EnableVnetIntegrationPath = ApiServerAccessProfile + ".enableVnetIntegration";
    public const string PublicNetworkAccessPath = "properties.publicNetworkAccess";
    public const string AddonProfilesPath = "properties.addonProfiles";

    private readonly JsonObject _root;

    public ManagedClusterView(JsonObject root) => _root = root;

    public string Id => JsonPaths.GetString(_root, "id") ?? "";
    public string Name => JsonPaths.GetString(_root, "name") ?? IdPart(8) ?? "";
    public string SubscriptionId => IdPart(2) ?? "";
    public string ResourceGroupName => JsonPaths.GetString(_root, "resourceGroup") ?? IdPart(4) ?? "";
    public string? Location => JsonPaths.GetString(_root, "location");
    public string? KubernetesVersion => Prop("kubernetesVersion");
    public string? CurrentKubernetesVersion => Prop("currentKubernetesVersion");
    public string? ProvisioningState => Prop("provisioningState");
    public string? PowerState => Prop("powerState.code");
    public string? Fqdn => Prop("fqdn");
    public string? PrivateFqdn => Prop("privateFQDN");

    public IReadOnlyList<string> AuthorizedIpRanges => JsonPaths.GetStringArray(_root, AuthorizedIpRangesPath);
    public bool IsPrivateCluster => JsonPaths.GetBool(_root, EnablePrivateClusterPath) == true;
    public bool PrivateClusterPublicFqdn => JsonPaths.GetBool(_root, EnablePrivateClusterPublicFqdnPath) == true;
    public bool RunCommandDisabled => JsonPaths.GetBool(_root, DisableRunCommandPath) == true;
    public bool VnetIntegration => JsonPaths.GetBool(_root, EnableVnetIntegrationPath) == true;

    /// <summary>"Enabled", "Disabled" or absent (absent means Enabled).</summary>
    public string? PublicNetworkAccess => JsonPaths.GetString(_root, PublicNetworkAccessPath);

    /// <summary>True when the API server has a public endpoint that authorized IP ranges can restrict.</summary>
    public bool HasPublicApiServer => !IsPrivateCluster && !string.Equals(PublicNetworkAccess, "Disabled", StringComparison.OrdinalIgnoreCase);

    public bool? RbacEnabled => JsonPaths.GetBool(_root, "properties.enableRBAC");
    public bool ManagedEntraId => JsonPaths.GetBool(_root, "properties.aadProfile.managed") == true;
    public bool AzureRbacEnabled => JsonPaths.GetBool(_root, "properties.aadProfile.enableAzureRBAC") == true;
    public IReadOnlyList<string> AdminGroupObjectIds => JsonPaths.GetStringArray(_root, "properties.aadProfile.adminGroupObjectIDs");
    public bool LocalAccountsDisabled => JsonPaths.GetBool(_root, "properties.disableLocalAccounts") == true;

    /// <summary>Names of enabled add-ons, as the document spells them.</summary>
    public IReadOnlyList<string> EnabledAddons =>
        JsonPaths.Get(_root, AddonProfilesPath) is JsonObject addons
            ? addons.Where(a => JsonPaths.GetBool(a.Value, "enabled") == true).Select(a => a.Key).ToArray()
            : Array.Empty<string>();

    /// <summary>Add-on keys are case-insensitive: "azurepolicy" and "azurePolicy" are the same add-on.</summary>
    public bool IsAddonEnabled(string name) => JsonPaths.GetBool(_root, $"{AddonProfilesPath}.{name}.enabled") == true;

    private string? Prop(string path) => JsonPaths.GetString(_root, "properties." + path);

    private string? IdPart(int index)
    {
        var parts = Id.Split('/');
        return parts.Length > index && parts[index].Length > 0 ? parts[index] : null;
    }
}
