namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>The providers New-AksSecretProviderClass builds classes for.</summary>
public enum SecretStoreProvider
{
    /// <summary>Azure Key Vault (provider name "azure").</summary>
    Azure,

    /// <summary>HashiCorp Vault (provider name "vault").</summary>
    Vault,
}

/// <summary>Everything New-AksSecretProviderClass was given; <see cref="SecretProviderClassBuilder"/> validates it.</summary>
public sealed class SecretProviderClassRequest
{
    public required string Name { get; init; }

    /// <summary>Null leaves metadata.namespace out (a file for kubectl apply -n).</summary>
    public string? Namespace { get; init; }

    public required SecretStoreProvider Provider { get; init; }

    public string? KeyVaultName { get; init; }
    public string? TenantId { get; init; }

    /// <summary>Client id of the workload identity the pods' service account is federated with.</summary>
    public string? ClientId { get; init; }

    /// <summary>Client id of a user-assigned identity on the nodes (useVMManagedIdentity).</summary>
    public string? UserAssignedIdentityId { get; init; }

    public IReadOnlyList<KeyVaultObject> KeyVaultObjects { get; init; } = Array.Empty<KeyVaultObject>();

    public string? VaultAddress { get; init; }
    public string? RoleName { get; init; }
    public IReadOnlyList<VaultObject> VaultObjects { get; init; } = Array.Empty<VaultObject>();

    /// <summary>Also sync the mounted objects to this Kubernetes Secret (spec.secretObjects).</summary>
    public string? SyncSecretName { get; init; }
}
