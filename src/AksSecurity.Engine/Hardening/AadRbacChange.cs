using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>What Enable-AksAadRbac was asked to do besides turning AKS-managed Entra ID on. Null members mean "leave as is".</summary>
public sealed class AadRbacRequest
{
    /// <summary>Replace the cluster-admin groups with exactly these object ids.</summary>
    public IReadOnlyList<string>? AdminGroupObjectIds { get; init; }

    /// <summary>Object ids to add to the cluster-admin groups, keeping the ones there.</summary>
    public IReadOnlyList<string> AddAdminGroupObjectIds { get; init; } = Array.Empty<string>();

    public string? TenantId { get; init; }
    public bool? EnableAzureRbac { get; init; }
    public bool? DisableLocalAccounts { get; init; }
}

/// <summary>
/// AKS-managed Entra ID (properties.aadProfile.managed), its admin groups, tenant and Azure RBAC, and local accounts
/// (properties.disableLocalAccounts). Switching to managed Entra ID cannot be undone, and it needs Kubernetes RBAC,
/// which only cluster creation sets.
/// </summary>
public sealed class AadRbacChange : IClusterChange
{
    private readonly AadRbacRequest _request;
    private readonly IReadOnlyList<string>? _replaceGroups;
    private readonly IReadOnlyList<string> _addGroups;
    private readonly string? _tenantId;

    /// <summary>Validates everything that can be checked without the cluster; throws InvalidArgument before anything is sent.</summary>
    public AadRbacChange(AadRbacRequest request)
    {
        _request = request;
        if (request.AdminGroupObjectIds is { Count: 0 })
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "-AdminGroupObjectId needs at least one group object id.", "AdminGroupObjectId");
        }

        _replaceGroups = request.AdminGroupObjectIds is null ? null : ParseGuids(request.AdminGroupObjectIds, "AdminGroupObjectId", "group object id");
        _addGroups = ParseGuids(request.AddAdminGroupObjectIds, "AddAdminGroupObjectId", "group object id");
        _tenantId = request.TenantId is null ? null : ParseGuids(new[] { request.TenantId }, "TenantId", "tenant id")[0];
    }

    public string Action => "Enable AKS-managed Entra ID and RBAC settings";

    /// <summary>True when the latest plan turns AKS-managed Entra ID on (the cmdlet's confirmation prompt says it cannot be undone).</summary>
    public bool TurnsOnManagedEntraId { get; private set; }

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var root = current.Root;
        var plan = new ChangePlan();
        TurnsOnManagedEntraId = false;

        if (view.KubernetesRbacOff)
        {
            throw new AksSecurityException(AksErrorKind.NotSupported,
                $"Cluster '{view.Name}' was created with Kubernetes RBAC off ({ManagedClusterView.EnableRbacPath} is false). Only cluster creation sets it, and AKS-managed Entra ID, Azure RBAC and disabling local accounts all need it: create a new cluster with Kubernetes RBAC on and move the workloads.",
                view.Id);
        }

        var existingGroups = view.AdminGroupObjectIds;
        var groups = PlanGroups(existingGroups, out var removedGroups);
        var azureRbac = _request.EnableAzureRbac ?? view.AzureRbacEnabled;
        var localAccountsDisabled = _request.DisableLocalAccounts ?? view.LocalAccountsDisabled;

        // The guard looks at the cluster as it would end up (always with managed Entra ID) whenever this change turns
        // local accounts off or takes Azure RBAC away: with local accounts off, Entra is the only way in.
        var touchesAccess = _request.DisableLocalAccounts == true || _request.EnableAzureRbac == false;
        if (touchesAccess && localAccountsDisabled && groups.Count == 0 && !azureRbac)
        {
            throw new AksSecurityException(AksErrorKind.LockoutRisk,
                $"With local accounts disabled, '{view.Name}' would have no Entra admin group and Azure RBAC off: nobody could get cluster-admin credentials. Name an admin group (-AdminGroupObjectId) or turn on Azure RBAC (-EnableAzureRbac).",
                view.Id);
        }

        if (!view.ManagedEntraId)
        {
            TurnsOnManagedEntraId = true;
            plan.Set(root, ManagedClusterView.AadManagedPath, JsonValue.Create(true));
            // The legacy integration's app ids (and secret) do not go with managed Entra ID: az aks update --enable-aad
            // replaces the whole profile. The tenant stays, so users keep signing in to the same tenant.
            foreach (var field in ManagedClusterView.LegacyAadFields)
            {
                plan.Set(root, $"{ManagedClusterView.AadProfilePath}.{field}", null);
            }

            if (view.LegacyEntraId)
            {
                plan.Warnings.Add($"'{view.Name}' uses the deprecated legacy Entra integration: its client and server app registrations stop being used once AKS manages Entra ID.");
            }
        }

        if (_request.EnableAzureRbac is bool enableAzureRbac && enableAzureRbac != view.AzureRbacEnabled)
        {
            plan.Set(root, ManagedClusterView.AadEnableAzureRbacPath, JsonValue.Create(enableAzureRbac));
            if (!enableAzureRbac)
            {
                plan.Warnings.Add($"Turning Azure RBAC off on '{view.Name}': Azure role assignments (Azure Kubernetes Service RBAC roles) stop granting access inside the cluster; only Kubernetes RBAC bindings do.");
            }
        }

        if (!groups.SequenceEqual(existingGroups))
        {
            plan.Set(root, ManagedClusterView.AadAdminGroupObjectIdsPath, new JsonArray(groups.Select(g => (JsonNode)g).ToArray()));
            if (removedGroups.Count > 0)
            {
                plan.Warnings.Add($"Members of {string.Join(", ", removedGroups)} stop being cluster admins of '{view.Name}'.");
            }
        }

        if (_tenantId is not null && !string.Equals(_tenantId, view.AadTenantId, StringComparison.OrdinalIgnoreCase))
        {
            plan.Set(root, ManagedClusterView.AadTenantIdPath, JsonValue.Create(_tenantId));
            if (view.AadTenantId is { Length: > 0 } oldTenant && view.ManagedEntraId)
            {
                plan.Warnings.Add($"'{view.Name}' moves from tenant {oldTenant} to {_tenantId}: users and groups of the old tenant lose access.");
            }
        }

        if (_request.DisableLocalAccounts is bool disable && disable != view.LocalAccountsDisabled)
        {
            plan.Set(root, ManagedClusterView.DisableLocalAccountsPath, JsonValue.Create(disable));
            if (disable)
            {
                plan.Warnings.Add($"Local accounts of '{view.Name}' are being disabled: rotate the cluster certificates afterwards (az aks rotate-certs) to revoke admin certificates already handed out.");
            }
        }

        if (plan.IsEmpty)
        {
            return plan;
        }

        if (groups.Count == 0 && !azureRbac)
        {
            plan.Warnings.Add($"'{view.Name}' has no Entra admin group and Azure RBAC is off: nobody is cluster admin through Entra ID. Name one with -AdminGroupObjectId, or turn on Azure RBAC.");
        }
        else if (groups.Count == 0 && localAccountsDisabled)
        {
            plan.Warnings.Add($"'{view.Name}' has no Entra admin group: cluster-admin access comes only from Azure role assignments (such as Azure Kubernetes Service RBAC Cluster Admin) on the cluster. Make sure someone holds one.");
        }

        return plan;
    }

    /// <summary>The admin groups the cluster ends with: existing ones keep their spelling; new ones are written in lower-case D form.</summary>
    private IReadOnlyList<string> PlanGroups(IReadOnlyList<string> existing, out IReadOnlyList<string> removed)
    {
        var target = new List<string>();
        if (_replaceGroups is null)
        {
            target.AddRange(existing);
        }
        else
        {
            // The same groups in another order or letter case are no change.
            target.AddRange(SameGroups(_replaceGroups, existing) ? existing : _replaceGroups);
        }

        target.AddRange(_addGroups.Where(g => !target.Contains(g, StringComparer.OrdinalIgnoreCase)));
        removed = existing.Where(e => !target.Contains(e, StringComparer.OrdinalIgnoreCase)).ToArray();
        return target;
    }

    private static bool SameGroups(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        a.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(b);

    private static IReadOnlyList<string> ParseGuids(IReadOnlyList<string> texts, string parameter, string what)
    {
        var ids = new List<string>();
        var errors = new List<string>();
        foreach (var text in texts)
        {
            if (!Guid.TryParseExact(text?.Trim(), "D", out var id))
            {
                errors.Add($"'{text}' is not a {what}: it must be a GUID such as 8d3a1c2e-5b4f-4a6e-9c7d-0e1f2a3b4c5d.");
            }
            else if (id == Guid.Empty)
            {
                errors.Add($"'{text}' (the empty GUID) is not a {what}.");
            }
            else if (!ids.Contains(id.ToString("D")))
            {
                ids.Add(id.ToString("D"));
            }
        }

        if (errors.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, string.Join(" ", errors), parameter);
        }

        return ids;
    }
}
