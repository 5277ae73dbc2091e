namespace AksSecurity.Engine.Clusters;

/// <summary>Entra ID and RBAC settings (api-version 2026-08-01: properties.aadProfile, enableRBAC, disableLocalAccounts).</summary>
public sealed partial class ManagedClusterView
{
    public const string EnableRbacPath = "properties.enableRBAC";
    public const string AadProfilePath = "properties.aadProfile";
    public const string AadManagedPath = AadProfilePath + ".managed";
    public const string AadEnableAzureRbacPath = AadProfilePath + ".enableAzureRBAC";
    public const string AadAdminGroupObjectIdsPath = AadProfilePath + ".adminGroupObjectIDs";
    public const string AadTenantIdPath = AadProfilePath + ".tenantID";
    public const string DisableLocalAccountsPath = "properties.disableLocalAccounts";

    /// <summary>The deprecated ("legacy") Entra integration's fields: app registrations the customer made and a secret.</summary>
    public static readonly IReadOnlyList<string> LegacyAadFields = new[] { "clientAppID", "serverAppID", "serverAppSecret" };

    /// <summary>
    /// False only when the document says enableRBAC is false. The service turns Kubernetes RBAC on when the field is
    /// omitted at creation, so an absent field (a template, an expression) is not read as off.
    /// </summary>
    public bool KubernetesRbacOff => RbacEnabled == false;

    public string? AadTenantId => JsonPaths.GetString(_root, AadTenantIdPath);

    /// <summary>The legacy Entra integration: an aadProfile with app ids but not managed by AKS.</summary>
    public bool LegacyEntraId => !ManagedEntraId && LegacyAadFields.Any(f => JsonPaths.Get(_root, $"{AadProfilePath}.{f}") is not null);
}
