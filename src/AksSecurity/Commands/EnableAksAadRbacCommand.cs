using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Turns on AKS-managed Entra ID and sets its admin groups, tenant and Azure RBAC, and can disable local accounts.
/// Managed Entra ID cannot be turned off again, so the impact is High and the prompt says so; disabling local
/// accounts is refused when nobody could get credentials afterwards.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "AksAadRbac", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class EnableAksAadRbacCommand : ChangeClusterCmdlet
{
    private AadRbacChange? _change;

    /// <summary>Replace the cluster-admin Entra groups with exactly these object ids.</summary>
    [Parameter]
    [ValidateNotNull]
    [Alias("AdminGroupObjectIds")]
    public string[]? AdminGroupObjectId { get; set; }

    /// <summary>Add these object ids to the cluster-admin Entra groups.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] AddAdminGroupObjectId { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    /// <summary>-EnableAzureRbac turns Azure RBAC on; -EnableAzureRbac:$false turns it off; absent leaves it.</summary>
    [Parameter]
    public SwitchParameter EnableAzureRbac { get; set; }

    /// <summary>-DisableLocalAccount turns local accounts off; -DisableLocalAccount:$false turns them back on; absent leaves them.</summary>
    [Parameter]
    [Alias("DisableLocalAccounts")]
    public SwitchParameter DisableLocalAccount { get; set; }

    internal override string? ConfirmationWarning => _change?.TurnsOnManagedEntraId == true
        ? "AKS-managed Entra ID cannot be turned off once it is on. kubectl users then sign in with Entra ID (kubelogin)."
        : null;

    internal override IClusterChange CreateChange()
    {
        var bound = MyInvocation.BoundParameters;
        _change = new AadRbacChange(new AadRbacRequest
        {
            AdminGroupObjectIds = AdminGroupObjectId,
            AddAdminGroupObjectIds = AddAdminGroupObjectId,
            TenantId = TenantId,
            EnableAzureRbac = bound.ContainsKey(nameof(EnableAzureRbac)) ? EnableAzureRbac.ToBool() : null,
            DisableLocalAccounts = bound.ContainsKey(nameof(DisableLocalAccount)) ? DisableLocalAccount.ToBool() : null,
        });
        return _change;
    }
}
