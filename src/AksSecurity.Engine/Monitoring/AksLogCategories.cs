namespace AksSecurity.Engine.Monitoring;

/// <summary>
/// The resource-log categories of Microsoft.ContainerService/managedClusters (shared/fixtures/arm/NOTES.md §7: built-in
/// policy 6c66c325 v3.0.0, whose DINE template lists exactly these, and the "supported logs" page).
/// </summary>
public static class AksLogCategories
{
    /// <summary>Every API server audit event, get and list included.</summary>
    public const string KubeAudit = "kube-audit";

    /// <summary>The audit events that change something (kube-audit without get and list): the cheaper choice.</summary>
    public const string KubeAuditAdmin = "kube-audit-admin";

    /// <summary>Entra ID and Azure RBAC authorization decisions.</summary>
    public const string Guard = "guard";

    /// <summary>The category group that holds every log category of a resource, by definition.</summary>
    public const string AllLogsGroup = "allLogs";

    /// <summary>The metric category of AKS; not a log category.</summary>
    public const string AllMetrics = "AllMetrics";

    public static IReadOnlyList<string> All { get; } = new[]
    {
        "kube-apiserver", KubeAudit, KubeAuditAdmin, "kube-controller-manager", "kube-scheduler", "cluster-autoscaler",
        "cloud-controller-manager", Guard, "csi-azuredisk-controller", "csi-azurefile-controller", "csi-snapshot-controller",
    };

    /// <summary>What Enable-AksMonitoring always sends: the audit trail of changes and the authorization log.</summary>
    public static IReadOnlyList<string> Baseline { get; } = new[] { KubeAuditAdmin, Guard };

    /// <summary>The category as the service spells it, for a name given in any case; false for an unknown name.</summary>
    public static bool TryNormalize(string? text, out string category)
    {
        category = All.FirstOrDefault(c => string.Equals(c, text?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? "";
        return category.Length > 0;
    }

    /// <summary>Validates and normalises names given by the user; every unknown name is named in one InvalidArgument error.</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> texts, string parameter)
    {
        var result = new List<string>();
        var unknown = new List<string>();
        foreach (var text in texts)
        {
            if (TryNormalize(text, out var category))
            {
                if (!result.Contains(category))
                {
                    result.Add(category);
                }
            }
            else
            {
                unknown.Add($"'{text}'");
            }
        }

        if (unknown.Count > 0)
        {
            var metricHint = unknown.Any(u => u.Equals($"'{AllMetrics}'", StringComparison.OrdinalIgnoreCase))
                ? $" {AllMetrics} is a metric category, not a log category."
                : "";
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is not an AKS log category" : "are not AKS log categories")}.{metricHint} Valid categories: {string.Join(", ", All)}.",
                parameter);
        }

        return result;
    }
}
