using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// Turns off the legacy add-ons a hardened cluster should not run: the Kubernetes dashboard (kubeDashboard) and HTTP
/// application routing (httpApplicationRouting), by setting properties.addonProfiles.{name}.enabled to false
/// (ManagedClusterAddonProfile in the 2026-08-01 spec). Add-on keys are matched case-insensitively and kept as written.
/// </summary>
public sealed class LegacyAddonChange : IClusterChange
{
    public static readonly IReadOnlyList<string> Addons = new[] { ManagedClusterView.KubeDashboardAddon, ManagedClusterView.HttpApplicationRoutingAddon };

    private readonly IReadOnlyList<string> _addons;

    /// <param name="addons">Which add-ons to turn off; both when empty.</param>
    public LegacyAddonChange(IReadOnlyList<string> addons)
    {
        _addons = addons.Count == 0
            ? Addons
            : addons.Select(a => Addons.FirstOrDefault(known => known.Equals(a?.Trim(), StringComparison.OrdinalIgnoreCase))
                    ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
                        $"'{a}' is not a legacy add-on this cmdlet turns off: use {string.Join(" or ", Addons)}.", "Addon"))
                .Distinct()
                .ToArray();
    }

    public string Action => "Disable legacy add-ons";

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();
        foreach (var addon in _addons.Where(view.IsAddonEnabled))
        {
            plan.Set(current.Root, $"{ManagedClusterView.AddonProfilesPath}.{addon}.enabled", JsonValue.Create(false));
            if (addon == ManagedClusterView.HttpApplicationRoutingAddon)
            {
                plan.Warnings.Add($"Ingresses of '{view.Name}' that use the addon-http-application-routing ingress class stop being served, and its DNS zone stops being updated: move them to the application routing add-on (ingressProfile.webAppRouting) first.");
            }
        }

        return plan;
    }
}
