namespace AksSecurity;

/// <summary>What kind of Key Vault object a SecretProviderClass mounts (the provider's objectType).</summary>
public enum KeyVaultObjectType
{
    Secret,
    Key,
    Cert,
}

/// <summary>A Key Vault secret, key or certificate for New-AksSecretProviderClass -Provider Azure.</summary>
public sealed class KeyVaultObject
{
    public KeyVaultObject()
    {
    }

    public KeyVaultObject(string name, KeyVaultObjectType type = KeyVaultObjectType.Secret, string? version = null, string? alias = null)
    {
        Name = name;
        Type = type;
        Version = version;
        Alias = alias;
    }

    /// <summary>The object's name in the vault (objectName).</summary>
    public string Name { get; set; } = "";

    public KeyVaultObjectType Type { get; set; } = KeyVaultObjectType.Secret;

    /// <summary>A version id; empty or null for the latest (objectVersion).</summary>
    public string? Version { get; set; }

    /// <summary>The file name in the mount instead of the object's name (objectAlias).</summary>
    public string? Alias { get; set; }

    public override string ToString() => $"{Type.ToString().ToLowerInvariant()}/{Name}";
}

/// <summary>A HashiCorp Vault secret for New-AksSecretProviderClass -Provider Vault.</summary>
public sealed class VaultObject
{
    public VaultObject()
    {
    }

    public VaultObject(string objectName, string secretPath, string secretKey)
    {
        ObjectName = objectName;
        SecretPath = secretPath;
        SecretKey = secretKey;
    }

    /// <summary>The file name in the mount.</summary>
    public string ObjectName { get; set; } = "";

    /// <summary>The secret's path in Vault, e.g. secret/data/db.</summary>
    public string SecretPath { get; set; } = "";

    /// <summary>The key of the secret's data to mount.</summary>
    public string SecretKey { get; set; } = "";

    public override string ToString() => $"{SecretPath}#{SecretKey}";
}
