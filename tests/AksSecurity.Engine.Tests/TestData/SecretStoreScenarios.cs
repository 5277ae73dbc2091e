using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Secrets Store CSI evidence as Test-AksSecretStore reads it: healthy, and one that fails every AKS-SSC check.</summary>
internal static class SecretStoreScenarios
{
    public const string Tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string Client = "11111111-2222-3333-4444-555555555555";

    public static SecretProviderClassInfo Class(string ns, string name, string? provider, params (string Key, string Value)[] parameters) =>
        new(ns, name, provider, parameters.ToDictionary(p => p.Key, p => p.Value));

    public static DaemonSetHealth Ready(string name, int nodes = 3) => new(SecretStoreChecks.AddonNamespace, name, true, nodes, nodes);

    public static SecretStoreEvidence Healthy() => new()
    {
        DaemonSets = new[] { Ready(SecretStoreChecks.DriverDaemonSet), Ready(SecretStoreChecks.AzureProviderDaemonSet) },
        Classes = new[]
        {
            Class("app", "kv-wi", "azure", ("usePodIdentity", "false"), ("clientID", Client), ("keyvaultName", "kv-app"), ("tenantID", Tenant)),
            Class("app", "vault-db", "vault", ("roleName", "db"), ("vaultAddress", "https://vault.example.com:8200")),
            Class("app", "gcp-sm", "gcp"),
        },
    };

    public static SecretStoreEvidence EveryCheckFails() => new()
    {
        DaemonSets = new[] { new DaemonSetHealth(SecretStoreChecks.AddonNamespace, SecretStoreChecks.AzureProviderDaemonSet, true, 3, 1) },
        Classes = new[]
        {
            Class("app", "misspelt", "Azure", ("clientID", Client), ("keyvaultName", "kv-app"), ("tenantID", Tenant)),
            Class("app", "pod-identity", "azure", ("usePodIdentity", "true"), ("keyvaultName", "kv-app"), ("tenantId", Tenant)),
            Class("app", "node-identity", "azure", ("useVMManagedIdentity", "True"), ("userAssignedIdentityID", Client), ("keyvaultName", "kv-app")),
            Class("app", "secret-creds", "azure", ("keyvaultName", "kv-app"), ("tenantID", Tenant)),
            Class("ops", "vault-plain", "vault", ("vaultAddress", "http://vault.ops:8200")),
        },
    };
}
