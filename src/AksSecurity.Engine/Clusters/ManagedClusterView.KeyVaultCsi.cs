using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>The Azure Key Vault provider for the Secrets Store CSI driver (add-on azureKeyvaultSecretsProvider).</summary>
public sealed partial class ManagedClusterView
{
    /// <summary>The add-on's key as the published example spells it; add-on keys are read case-insensitively.</summary>
    public const string KeyVaultSecretsProviderAddon = "azureKeyvaultSecretsProvider";
    public const string SecretRotationConfigKey = "enableSecretRotation";
    public const string RotationPollIntervalConfigKey = "rotationPollInterval";

    /// <summary>
    /// The add-on's path as this document spells its key ("properties.addonProfiles.azurekeyvaultsecretsprovider" when
    /// written that way), so what-if lines and edits name the key that is really there.
    /// </summary>
    public string KeyVaultSecretsProviderPath =>
        $"{AddonProfilesPath}.{(JsonPaths.Get(_root, AddonProfilesPath) is JsonObject addons ? JsonPaths.ExistingKey(addons, KeyVaultSecretsProviderAddon) : KeyVaultSecretsProviderAddon)}";

    public bool KeyVaultSecretsProviderEnabled => IsAddonEnabled(KeyVaultSecretsProviderAddon);

    /// <summary>config.enableSecretRotation ("true"/"false" strings in the service's shape); null when absent or unreadable.</summary>
    public bool? SecretRotationEnabled => JsonPaths.GetBool(_root, $"{KeyVaultSecretsProviderPath}.config.{SecretRotationConfigKey}");

    /// <summary>config.rotationPollInterval as written ("2m"); null when absent.</summary>
    public string? RotationPollInterval => JsonPaths.GetString(_root, $"{KeyVaultSecretsProviderPath}.config.{RotationPollIntervalConfigKey}");

    /// <summary>The path of a config key of the add-on, spelled as the document spells the key when it is there.</summary>
    public string KeyVaultSecretsProviderConfigPath(string key)
    {
        var config = JsonPaths.Get(_root, $"{KeyVaultSecretsProviderPath}.config") as JsonObject;
        return $"{KeyVaultSecretsProviderPath}.config.{(config is null ? key : JsonPaths.ExistingKey(config, key))}";
    }
}
