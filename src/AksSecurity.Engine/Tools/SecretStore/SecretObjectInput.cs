using System.Collections;

namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>
/// New-AksSecretProviderClass -Object entries: hashtables (keys any case) or the typed model objects. Unknown keys are
/// refused, so a misspelt key never silently becomes a default.
/// </summary>
public static class SecretObjectInput
{
    private static readonly string[] KeyVaultKeys = { "Name", "Type", "Version", "Alias" };
    private static readonly string[] VaultKeys = { "ObjectName", "SecretPath", "SecretKey" };

    public static KeyVaultObject ToKeyVaultObject(object? item) => item switch
    {
        KeyVaultObject typed => typed,
        IDictionary table => FromTable(table, KeyVaultKeys, values => new KeyVaultObject(
            values.GetValueOrDefault("Name") ?? "",
            values.TryGetValue("Type", out var type) ? ObjectType(type, values.GetValueOrDefault("Name")) : KeyVaultObjectType.Secret,
            values.GetValueOrDefault("Version"),
            values.GetValueOrDefault("Alias"))),
        _ => throw Unusable(item, "a hashtable with Name, Type, Version and Alias, or an [AksSecurity.KeyVaultObject]"),
    };

    public static VaultObject ToVaultObject(object? item) => item switch
    {
        VaultObject typed => typed,
        IDictionary table => FromTable(table, VaultKeys, values => new VaultObject(
            values.GetValueOrDefault("ObjectName") ?? "", values.GetValueOrDefault("SecretPath") ?? "", values.GetValueOrDefault("SecretKey") ?? "")),
        _ => throw Unusable(item, "a hashtable with ObjectName, SecretPath and SecretKey, or an [AksSecurity.VaultObject]"),
    };

    private static T FromTable<T>(IDictionary table, string[] allowed, Func<Dictionary<string, string?>, T> make)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in table)
        {
            var key = entry.Key?.ToString() ?? "";
            var known = allowed.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase))
                        ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
                            $"-Object has the key '{key}'; the keys are {string.Join(", ", allowed)}.", "Object");
            values[known] = entry.Value?.ToString();
        }

        return make(values);
    }

    private static KeyVaultObjectType ObjectType(string? text, string? name)
    {
        // "certificate" is what Key Vault calls it; the provider's objectType is "cert".
        if (string.Equals(text, "certificate", StringComparison.OrdinalIgnoreCase))
        {
            return KeyVaultObjectType.Cert;
        }

        return Enum.TryParse<KeyVaultObjectType>(text, ignoreCase: true, out var type) && Enum.IsDefined(type) && !int.TryParse(text, out _)
            ? type
            : throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Object '{name}' has the type '{text}'; use Secret, Key or Cert.", "Object");
    }

    private static AksSecurityException Unusable(object? item, string expected) =>
        new(AksErrorKind.InvalidArgument, $"-Object got {(item is null ? "null" : $"a {item.GetType().Name} ('{item}')")}; give {expected}.", "Object");
}
