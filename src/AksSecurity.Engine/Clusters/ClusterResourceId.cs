using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Clusters;

/// <summary>A validated managed-cluster resource id: /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}.</summary>
public sealed partial record ClusterResourceId(string SubscriptionId, string ResourceGroupName, string Name)
{
    public const string ResourceType = "Microsoft.ContainerService/managedClusters";

    // ARM's own rules: the cluster name pattern from the 2026-08-01 spec; resource group names 1-90 chars, no trailing dot.
    [GeneratedRegex("^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$")]
    private static partial Regex ClusterNamePattern();

    [GeneratedRegex(@"^[-\w\._\(\)]{1,90}$")]
    private static partial Regex ResourceGroupPattern();

    [GeneratedRegex("^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\\.ContainerService/managedClusters/(?<name>[^/]+)/?$", RegexOptions.IgnoreCase)]
    private static partial Regex IdPattern();

    public string Id => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroupName}/providers/{ResourceType}/{Name}";

    public override string ToString() => Id;

    public static bool IsValidClusterName(string name) => ClusterNamePattern().IsMatch(name);

    public static bool IsValidResourceGroupName(string name) => ResourceGroupPattern().IsMatch(name) && !name.EndsWith('.');

    public static bool IsValidSubscriptionId(string id) => Guid.TryParse(id, out _);

    public static ClusterResourceId Parse(string id)
    {
        if (TryParse(id, out var parsed, out var reason))
        {
            return parsed;
        }

        throw new AksSecurityException(AksErrorKind.InvalidArgument, reason, id);
    }

    public static bool TryParse(string? id, out ClusterResourceId parsed, out string reason)
    {
        parsed = null!;
        var match = IdPattern().Match(id?.Trim() ?? "");
        if (!match.Success)
        {
            reason = $"'{id}' is not a managed cluster resource id. Expected /subscriptions/<subscription id>/resourceGroups/<group>/providers/{ResourceType}/<name>.";
            return false;
        }

        var sub = match.Groups["sub"].Value;
        var rg = match.Groups["rg"].Value;
        var name = match.Groups["name"].Value;
        reason = !IsValidSubscriptionId(sub) ? $"Subscription id '{sub}' in resource id '{id}' is not a GUID."
            : !IsValidResourceGroupName(rg) ? $"Resource group name '{rg}' in resource id '{id}' is not valid."
            : !IsValidClusterName(name) ? $"Cluster name '{name}' in resource id '{id}' is not valid (1-63 letters, digits, '-' or '_', starting and ending with a letter or digit)."
            : "";
        if (reason.Length > 0)
        {
            return false;
        }

        parsed = new ClusterResourceId(sub, rg, name);
        return true;
    }

    public static ClusterResourceId Create(string subscriptionId, string resourceGroupName, string name)
    {
        if (!IsValidSubscriptionId(subscriptionId))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Subscription id '{subscriptionId}' is not a GUID.", subscriptionId);
        }

        if (!IsValidResourceGroupName(resourceGroupName))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Resource group name '{resourceGroupName}' is not valid.", resourceGroupName);
        }

        if (!IsValidClusterName(name))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Cluster name '{name}' is not valid (1-63 letters, digits, '-' or '_', starting and ending with a letter or digit).", name);
        }

        return new ClusterResourceId(subscriptionId, resourceGroupName, name);
    }
}
