namespace AksSecurity;

/// <summary>
/// The latest Azure Policy compliance of one cluster (Microsoft.PolicyInsights policyStates/latest/summarize):
/// totals, and one row per policy assignment that evaluated it.
/// </summary>
public sealed class PolicyComplianceSummary
{
    public required string ClusterId { get; init; }
    public required string ClusterName { get; init; }

    /// <summary>Resources found non-compliant by at least one policy (the cluster and, with the add-on, its Kubernetes objects).</summary>
    public int NonCompliantResources { get; init; }

    /// <summary>Policies (definitions within assignments) with at least one non-compliant resource.</summary>
    public int NonCompliantPolicies { get; init; }

    public IReadOnlyList<PolicyAssignmentCompliance> Assignments { get; init; } = Array.Empty<PolicyAssignmentCompliance>();

    public override string ToString() => $"{ClusterName}: {NonCompliantResources} non-compliant resource(s), {NonCompliantPolicies} non-compliant polic(ies)";
}

/// <summary>Compliance of one policy assignment on one cluster.</summary>
public sealed class PolicyAssignmentCompliance
{
    public required string ClusterName { get; init; }
    public required string PolicyAssignmentId { get; init; }

    /// <summary>The last segment of the assignment id.</summary>
    public required string PolicyAssignmentName { get; init; }

    /// <summary>The initiative assigned; empty when the assignment is of a single policy.</summary>
    public string PolicySetDefinitionId { get; init; } = "";

    /// <summary>"Baseline" or "Restricted" for the pod security initiatives; null for any other.</summary>
    public string? PodSecurityInitiative { get; init; }

    public int NonCompliantResources { get; init; }
    public int NonCompliantPolicies { get; init; }

    public IReadOnlyList<PolicyDefinitionCompliance> Definitions { get; init; } = Array.Empty<PolicyDefinitionCompliance>();

    public override string ToString() => PolicyAssignmentName;
}

/// <summary>Compliance of one policy definition within an assignment.</summary>
public sealed class PolicyDefinitionCompliance
{
    public required string PolicyAssignmentName { get; init; }
    public required string PolicyDefinitionId { get; init; }

    /// <summary>The definition's reference id within its initiative (e.g. NoPrivilegedContainers); empty for a single policy.</summary>
    public string PolicyDefinitionReferenceId { get; init; } = "";

    public string? Effect { get; init; }
    public int NonCompliantResources { get; init; }

    public override string ToString() => PolicyDefinitionReferenceId.Length > 0 ? PolicyDefinitionReferenceId : PolicyDefinitionId;
}
