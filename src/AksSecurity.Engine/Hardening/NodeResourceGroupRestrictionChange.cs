using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// Node resource group lockdown: properties.nodeResourceGroupProfile.restrictionLevel, Unrestricted (the default when
/// absent) or ReadOnly (only */read RBAC on the MC_ group). Path and values verified in stable/2026-08-01/managedClusters.json
/// (ManagedClusterNodeResourceGroupProfile, RestrictionLevel).
/// </summary>
public sealed class NodeResourceGroupRestrictionChange : IClusterChange
{
    public const string ReadOnly = "ReadOnly";
    public const string Unrestricted = "Unrestricted";

    private readonly string _level;

    public NodeResourceGroupRestrictionChange(string restrictionLevel)
    {
        _level = new[] { ReadOnly, Unrestricted }.FirstOrDefault(l => l.Equals(restrictionLevel?.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{restrictionLevel}' is not a restriction level: use {ReadOnly} or {Unrestricted}.", "RestrictionLevel");
    }

    public string Action => $"Set node resource group restriction to {_level}";

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();
        if ((view.NodeResourceGroupRestrictionLevel ?? Unrestricted).Equals(_level, StringComparison.OrdinalIgnoreCase))
        {
            return plan;
        }

        plan.Set(current.Root, ManagedClusterView.NodeResourceGroupRestrictionLevelPath, JsonValue.Create(_level));
        if (_level == ReadOnly)
        {
            plan.Warnings.Add($"With ReadOnly, nobody (you included) can change resources in the node resource group of '{view.Name}' directly: changes to its VM scale sets, disks and load balancers must go through AKS.");
        }
        else
        {
            plan.Warnings.Add($"With Unrestricted, anyone with rights on the node resource group of '{view.Name}' can change the cluster's VMs, disks and network resources behind AKS's back.");
        }

        return plan;
    }
}
