using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Checks of who can get into the cluster: Kubernetes RBAC, AKS-managed Entra ID, Azure RBAC, local accounts and
/// Entra admin groups. All read the cluster document only, so they run the same live and offline.
/// </summary>
public static class AadRbacChecks
{
    public const string KubernetesRbacOff = "AKS-AAD-001";
    public const string ManagedEntraIdOff = "AKS-AAD-002";
    public const string AzureRbacOff = "AKS-AAD-003";
    public const string LocalAccountsOn = "AKS-AAD-004";
    public const string NoAdminGroup = "AKS-AAD-005";

    public static ClusterTestResult Evaluate(ManagedClusterDocument document) => Evaluate(new ClusterEvidence(document, online: false));

    public static ClusterTestResult Evaluate(ClusterEvidence evidence)
    {
        var run = new CheckRun(evidence);
        var view = run.View;
        var enable = $"Enable-AksAadRbac -Id '{view.Id}'";

        run.Ran(KubernetesRbacOff);
        if (view.KubernetesRbacOff)
        {
            // Nothing can fix this in place; every other control of this area needs it.
            run.Fail(KubernetesRbacOff, Severity.High, "Kubernetes RBAC is off (set at creation only)",
                $"{ManagedClusterView.EnableRbacPath} is false: every identity the API server authenticates has full rights over the cluster. Only cluster creation sets it.",
                $"Create a new cluster with Kubernetes RBAC on (the default) and move the workloads, then run {enable} -AdminGroupObjectId <group object id> on it. Enable-AksAadRbac refuses this cluster.",
                ManagedClusterView.EnableRbacPath);
        }

        run.Ran(ManagedEntraIdOff);
        if (!view.ManagedEntraId)
        {
            run.Fail(ManagedEntraIdOff, Severity.Medium, "AKS-managed Entra ID is off",
                view.LegacyEntraId
                    ? $"{ManagedClusterView.AadManagedPath} is not true: the cluster uses the deprecated legacy Entra integration (clientAppID/serverAppID app registrations)."
                    : $"{ManagedClusterView.AadManagedPath} is not true: kubectl access uses certificates the cluster issues, with no Entra sign-in, MFA or Conditional Access.",
                Remediation(view, enable, "-AdminGroupObjectId <group object id>"), ManagedClusterView.AadManagedPath);
        }

        run.Ran(AzureRbacOff);
        if (!view.AzureRbacEnabled)
        {
            run.Fail(AzureRbacOff, Severity.Low, "Azure RBAC for Kubernetes authorization is off",
                $"{ManagedClusterView.AadEnableAzureRbacPath} is not true: access inside the cluster is managed with Kubernetes role bindings only, not with Azure role assignments and their audit trail.",
                Remediation(view, enable, "-EnableAzureRbac"), ManagedClusterView.AadEnableAzureRbacPath);
        }

        run.Ran(LocalAccountsOn);
        if (!view.LocalAccountsDisabled)
        {
            var access = view.AdminGroupObjectIds.Count > 0 || view.AzureRbacEnabled ? "" : " -AdminGroupObjectId <group object id>";
            run.Fail(LocalAccountsOn, Severity.Medium, "Local accounts are enabled",
                $"{ManagedClusterView.DisableLocalAccountsPath} is not true: listClusterAdminCredential hands out a static cluster-admin certificate that bypasses Entra ID and is not tied to a person.",
                Remediation(view, enable, $"-DisableLocalAccount{access}") + " (then rotate the cluster certificates to revoke admin certificates already handed out)",
                ManagedClusterView.DisableLocalAccountsPath);
        }

        // Admin groups are a managed Entra ID setting; with Azure RBAC on, Azure role assignments can grant cluster admin instead.
        if (view.ManagedEntraId)
        {
            run.Ran(NoAdminGroup);
            if (view.AdminGroupObjectIds.Count == 0 && !view.AzureRbacEnabled)
            {
                var lockedOut = view.LocalAccountsDisabled;
                run.Fail(NoAdminGroup, lockedOut ? Severity.High : Severity.Medium, "No Entra admin group",
                    $"{ManagedClusterView.AadAdminGroupObjectIdsPath} is empty and {ManagedClusterView.AadEnableAzureRbacPath} is not true: no Entra identity is cluster admin" +
                    (lockedOut ? $", and with {ManagedClusterView.DisableLocalAccountsPath} true there is no local admin either." : "; only the local admin account is."),
                    $"{enable} -AdminGroupObjectId <group object id>", ManagedClusterView.AadAdminGroupObjectIdsPath);
            }
        }

        return run.Result();
    }

    private static string Remediation(ManagedClusterView view, string enable, string arguments) =>
        view.KubernetesRbacOff
            ? $"Kubernetes RBAC is off, which only a new cluster can fix (see {KubernetesRbacOff}); on that cluster: {enable} {arguments}"
            : $"{enable} {arguments}";
}
