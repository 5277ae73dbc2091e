using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// Turns on the OIDC issuer (properties.oidcIssuerProfile.enabled) and workload identity
/// (properties.securityProfile.workloadIdentity.enabled), which needs the issuer. Paths verified in
/// stable/2026-08-01/managedClusters.json (ManagedClusterOIDCIssuerProfile, ManagedClusterSecurityProfileWorkloadIdentity).
/// </summary>
public sealed class WorkloadIdentityChange : IClusterChange
{
    /// <summary>Said before the change: the service refuses to turn the OIDC issuer off again.</summary>
    public const string IrreversibleWarning =
        "The OIDC issuer cannot be turned off again once it is on (AKS refuses to disable it). Workload identity itself can be turned off later.";

    public string Action => "Enable workload identity";

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var plan = new ChangePlan();
        if (!current.View.OidcIssuerEnabled)
        {
            plan.Set(current.Root, ManagedClusterView.OidcIssuerEnabledPath, JsonValue.Create(true));
        }

        if (!current.View.WorkloadIdentityEnabled)
        {
            plan.Set(current.Root, ManagedClusterView.WorkloadIdentityEnabledPath, JsonValue.Create(true));
        }

        return plan;
    }
}
