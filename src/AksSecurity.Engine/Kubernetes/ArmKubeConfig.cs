using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// A cluster's kubeconfig from ARM's credential actions (NOTES.md §5): POST listClusterUserCredential or
/// listClusterAdminCredential → {"kubeconfigs": [{"name", "value": base64 YAML}]}. The admin credential is refused before
/// ARM is asked when the cluster document says local accounts are disabled.
/// </summary>
internal static class ArmKubeConfig
{
    public static async Task<(ManagedClusterDocument Cluster, byte[] KubeConfig)> FetchAsync(ArmConnection connection, ClusterResourceId id, bool admin,
        IOperationSink sink, CancellationToken ct)
    {
        var document = await new ManagedClusterClient(connection).GetAsync(id, sink, ct).ConfigureAwait(false);
        if (admin && document.View.LocalAccountsDisabled)
        {
            throw LocalAccountsDisabled(id);
        }

        var action = admin ? "listClusterAdminCredential" : "listClusterUserCredential";
        JsonObject? body;
        try
        {
            body = await new ArmResources(connection).PostAsync($"{id.Id}/{action}", ManagedClusterClient.ApiVersion, null, sink, ct).ConfigureAwait(false);
        }
        catch (AksSecurityException ex) when (admin && ex.HttpStatus == 400 && ex.Message.Contains("local accounts", StringComparison.OrdinalIgnoreCase))
        {
            // Local accounts were disabled after the cluster was read.
            throw LocalAccountsDisabled(id);
        }

        var encoded = (body?["kubeconfigs"] as JsonArray)?.OfType<JsonObject>()
            .Select(k => k["value"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
            .FirstOrDefault(v => !string.IsNullOrEmpty(v))
            ?? throw new AksSecurityException(AksErrorKind.InvalidData, $"ARM's {action} for '{id.Name}' returned no kubeconfig.", id.Id);
        try
        {
            return (document, Convert.FromBase64String(encoded));
        }
        catch (FormatException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"ARM's {action} for '{id.Name}' returned a kubeconfig that is not base64.", id.Id, ex);
        }
    }

    private static AksSecurityException LocalAccountsDisabled(ClusterResourceId id) =>
        new(AksErrorKind.NotSupported,
            $"Cluster '{id.Name}' has local accounts disabled (properties.disableLocalAccounts = true), so it has no admin credential. Omit -Admin to sign in with Entra ID, or re-enable local accounts if you really need the static admin credential.",
            id.Id);
}
