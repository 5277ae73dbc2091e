using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>A SecretProviderClass ready to apply or write, and what the user should be warned about.</summary>
public sealed class SecretProviderClassDefinition
{
    internal SecretProviderClassDefinition(JsonObject manifest, IReadOnlyList<string> warnings)
    {
        Manifest = manifest;
        Warnings = warnings;
    }

    public JsonObject Manifest { get; }

    public IReadOnlyList<string> Warnings { get; }

    public string Name => Manifest["metadata"]!["name"]!.GetValue<string>();

    /// <summary>The class as a YAML document (New-AksSecretProviderClass -OutFile).</summary>
    public string ToYaml() => ManifestYaml.Write(new[] { Manifest });
}

/// <summary>
/// Builds secrets-store.csi.x-k8s.io/v1 SecretProviderClass objects. Shapes follow the published examples (copied in
/// tests/AksSecurity.Engine.Tests/TestData/secrets-store-csi/): for Azure Key Vault the workload identity example of
/// secrets-store-csi-driver-provider-azure v1.8.2 (clientID, tenantID, objects as "array:" of YAML strings), the
/// user-assigned identity example (useVMManagedIdentity, userAssignedIdentityID) and the sync example (secretObjects);
/// for HashiCorp Vault the vault-csi-provider v1.4.0 examples (roleName, vaultAddress, objects as a YAML list).
/// Everything is validated before anything is built, so bad input is refused before a request is sent.
/// </summary>
public static partial class SecretProviderClassBuilder
{
    public const string ApiVersion = "secrets-store.csi.x-k8s.io/v1";
    public const string Kind = "SecretProviderClass";

    public static SecretProviderClassDefinition Build(SecretProviderClassRequest request)
    {
        KubernetesNameRules.RequireSubdomain(request.Name, "Name", "SecretProviderClass name");
        if (request.Namespace is not null)
        {
            KubernetesNameRules.RequireLabel(request.Namespace, "Namespace", "namespace name");
        }

        if (request.SyncSecretName is not null)
        {
            KubernetesNameRules.RequireSubdomain(request.SyncSecretName, "SyncSecretName", "Secret name");
        }

        var warnings = new List<string>();
        var (provider, parameters, files) = request.Provider switch
        {
            SecretStoreProvider.Azure => ("azure", AzureParameters(request, warnings), request.KeyVaultObjects.Select(o => string.IsNullOrEmpty(o.Alias) ? o.Name : o.Alias!).ToList()),
            SecretStoreProvider.Vault => ("vault", VaultParameters(request), request.VaultObjects.Select(o => o.ObjectName).ToList()),
            _ => throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Provider '{request.Provider}' is not supported.", "Provider"),
        };

        var metadata = new JsonObject { ["name"] = request.Name };
        if (request.Namespace is not null)
        {
            metadata["namespace"] = request.Namespace;
        }

        metadata["labels"] = new JsonObject { [KubernetesOwnership.ManagedByLabel] = KubernetesOwnership.ManagedByValue };
        var spec = new JsonObject { ["provider"] = provider };
        if (request.SyncSecretName is not null)
        {
            // The driver creates the Secret from the mounted files, so each key is the file's name in the mount.
            spec["secretObjects"] = new JsonArray(new JsonObject
            {
                ["secretName"] = request.SyncSecretName,
                ["type"] = "Opaque",
                ["data"] = new JsonArray(files.Select(f => (JsonNode)new JsonObject { ["objectName"] = f, ["key"] = f }).ToArray()),
            });
        }

        spec["parameters"] = parameters;
        return new SecretProviderClassDefinition(
            new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = Kind, ["metadata"] = metadata, ["spec"] = spec }, warnings);
    }

    private static JsonObject AzureParameters(SecretProviderClassRequest request, List<string> warnings)
    {
        RefuseOthers(request, "Azure", ("VaultAddress", request.VaultAddress), ("RoleName", request.RoleName));
        if (request.VaultObjects.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "Vault objects (ObjectName, SecretPath, SecretKey) do not apply to -Provider Azure: give Key Vault objects (Name, Type, Version, Alias).", "Object");
        }

        if (string.IsNullOrEmpty(request.KeyVaultName) || !KeyVaultName().IsMatch(request.KeyVaultName) || request.KeyVaultName.Contains("--", StringComparison.Ordinal))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{request.KeyVaultName}' is not a valid Key Vault name: use 3 to 24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit.",
                "KeyVaultName");
        }

        var tenant = RequireGuid(request.TenantId, "TenantId", "tenant id");
        var hasClient = !string.IsNullOrEmpty(request.ClientId);
        var hasNodeIdentity = !string.IsNullOrEmpty(request.UserAssignedIdentityId);
        if (hasClient == hasNodeIdentity)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, hasClient
                ? "Give either -ClientId (workload identity) or -UserAssignedIdentityId (the nodes' identity), not both."
                : "Give -ClientId, the client id of the workload identity the pods' service account is federated with (recommended), or -UserAssignedIdentityId.",
                hasClient ? "UserAssignedIdentityId" : "ClientId");
        }

        if (request.KeyVaultObjects.Count == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "Give at least one Key Vault object (-Object) to mount.", "Object");
        }

        var parameters = new JsonObject { ["usePodIdentity"] = "false" };
        if (hasClient)
        {
            parameters["clientID"] = RequireGuid(request.ClientId, "ClientId", "client id");
        }
        else
        {
            parameters["useVMManagedIdentity"] = "true";
            parameters["userAssignedIdentityID"] = RequireGuid(request.UserAssignedIdentityId, "UserAssignedIdentityId", "client id");
            warnings.Add("-UserAssignedIdentityId uses an identity assigned to the nodes (useVMManagedIdentity): every pod on those nodes whose namespace has a SecretProviderClass naming it can read the vault. "
                         + "A workload identity (-ClientId) is granted to one service account only; prefer it.");
        }

        parameters["keyvaultName"] = request.KeyVaultName;
        parameters["objects"] = AzureObjects(request.KeyVaultObjects);
        parameters["tenantID"] = tenant;
        return parameters;
    }

    private static JsonObject VaultParameters(SecretProviderClassRequest request)
    {
        RefuseOthers(request, "Vault", ("KeyVaultName", request.KeyVaultName), ("TenantId", request.TenantId), ("ClientId", request.ClientId),
            ("UserAssignedIdentityId", request.UserAssignedIdentityId));
        if (request.KeyVaultObjects.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "Key Vault objects (Name, Type, Version, Alias) do not apply to -Provider Vault: give Vault objects (ObjectName, SecretPath, SecretKey).", "Object");
        }

        var address = VaultAddress(request.VaultAddress);
        if (string.IsNullOrWhiteSpace(request.RoleName) || request.RoleName.Any(char.IsWhiteSpace))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{request.RoleName}' is not a valid Vault role name: give the Kubernetes auth role the pods' service account is bound to, without spaces.", "RoleName");
        }

        if (request.VaultObjects.Count == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "Give at least one Vault object (-Object) to mount.", "Object");
        }

        return new JsonObject
        {
            ["roleName"] = request.RoleName,
            ["vaultAddress"] = address,
            ["objects"] = VaultObjects(request.VaultObjects),
        };
    }

    /// <summary>An https URL with a host and nothing after the path: the address pods reach Vault at.</summary>
    public static string VaultAddress(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{text}' is not a Vault address: give an https URL such as https://vault.example.com:8200.", "VaultAddress");
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The Vault address '{text}' uses {uri.Scheme}: only https is accepted, because the pods' service account tokens and the secrets travel over it.", "VaultAddress");
        }

        if (string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The Vault address '{string.Concat(text.Select(c => char.IsControl(c) ? '?' : c))}' must be https://host[:port][/path] with a host and no user name, query or fragment, and no space or control character.", "VaultAddress");
        }

        return text.TrimEnd('/');
    }

    private static string AzureObjects(IReadOnlyList<KeyVaultObject> objects)
    {
        var text = new StringBuilder("array:\n");
        foreach (var entry in objects)
        {
            if (string.IsNullOrEmpty(entry.Name) || entry.Name.Length > 127 || !KeyVaultObjectName().IsMatch(entry.Name))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"'{entry.Name}' is not a valid Key Vault object name: use 1 to 127 letters, digits and hyphens.", "Object");
            }

            if (!string.IsNullOrEmpty(entry.Version) && !KeyVaultVersion().IsMatch(entry.Version))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"'{entry.Version}' (object '{entry.Name}') is not a Key Vault version: a version is 32 hexadecimal characters; leave it out for the latest.", "Object");
            }

            if (!Enum.IsDefined(entry.Type))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Object '{entry.Name}' has the type '{entry.Type}'; use Secret, Key or Cert.", "Object");
            }

            if (!string.IsNullOrEmpty(entry.Alias))
            {
                RequireFileName(entry.Alias, $"The alias of object '{entry.Name}'");
            }

            text.Append("  - |\n");
            text.Append("    objectName: ").Append(Scalar(entry.Name)).Append('\n');
            text.Append("    objectType: ").Append(entry.Type.ToString().ToLowerInvariant()).Append('\n');
            if (!string.IsNullOrEmpty(entry.Alias))
            {
                text.Append("    objectAlias: ").Append(Scalar(entry.Alias)).Append('\n');
            }

            text.Append("    objectVersion: ").Append(Scalar(entry.Version ?? "")).Append('\n');
        }

        RequireDistinct(objects.Select(o => string.IsNullOrEmpty(o.Alias) ? o.Name : o.Alias!), "Use -Object Alias values to tell them apart.");
        return text.ToString();
    }

    private static string VaultObjects(IReadOnlyList<VaultObject> objects)
    {
        var text = new StringBuilder();
        foreach (var entry in objects)
        {
            RequireFileName(entry.ObjectName, "The ObjectName of a Vault object");
            if (string.IsNullOrWhiteSpace(entry.SecretPath) || string.IsNullOrWhiteSpace(entry.SecretKey))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"Vault object '{entry.ObjectName}' needs a SecretPath (e.g. secret/data/db) and a SecretKey (the key of the secret's data).", "Object");
            }

            text.Append("- objectName: ").Append(Quoted(entry.ObjectName)).Append('\n');
            text.Append("  secretPath: ").Append(Quoted(entry.SecretPath)).Append('\n');
            text.Append("  secretKey: ").Append(Quoted(entry.SecretKey)).Append('\n');
        }

        RequireDistinct(objects.Select(o => o.ObjectName), "Give each Vault object its own ObjectName.");
        return text.ToString();
    }

    private static void RefuseOthers(SecretProviderClassRequest request, string provider, params (string Parameter, string? Value)[] others)
    {
        if (others.FirstOrDefault(o => !string.IsNullOrEmpty(o.Value)) is { Parameter: { } parameter })
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-{parameter} does not apply to -Provider {provider}.", parameter);
        }
    }

    private static string RequireGuid(string? value, string parameter, string what) =>
        Guid.TryParseExact(value, "D", out var guid)
            ? guid.ToString("D")
            : throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{value}' is not a {what}: give a GUID such as 00000000-0000-0000-0000-000000000000.", parameter);

    private static void RequireFileName(string? name, string what)
    {
        if (string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.Length > 253 || name.IndexOfAny(new[] { '/', '\\', '\0', '\n', '\r' }) >= 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"{what}, '{name}', is not a file name: it becomes a file in the mount, so it may not contain '/'.", "Object");
        }
    }

    private static void RequireDistinct(IEnumerable<string> files, string advice)
    {
        var duplicate = files.GroupBy(f => f, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Two objects would be mounted as the same file '{duplicate.Key}'. {advice}", "Object");
        }
    }

    /// <summary>A plain YAML scalar where that cannot be misread (as a number, boolean or null), else a double-quoted one.</summary>
    private static string Scalar(string value) => PlainScalar().IsMatch(value) && !YamlWords().IsMatch(value) ? value : Quoted(value);

    /// <summary>JSON string escapes are a subset of YAML's double-quoted ones.</summary>
    private static string Quoted(string value) => JsonSerializer.Serialize(value);

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")]
    private static partial Regex KeyVaultName();

    [GeneratedRegex("^[0-9a-zA-Z-]+$")]
    private static partial Regex KeyVaultObjectName();

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex KeyVaultVersion();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex PlainScalar();

    [GeneratedRegex("^(y|n|yes|no|on|off|true|false|null)$", RegexOptions.IgnoreCase)]
    private static partial Regex YamlWords();
}
