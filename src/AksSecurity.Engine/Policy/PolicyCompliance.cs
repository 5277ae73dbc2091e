using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Policy;

/// <summary>
/// The cluster's latest policy compliance: POST {clusterId}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize
/// (api-version 2024-10-01; response shape of shared/fixtures/arm/policy/PolicyStates_SummarizeResourceScope.json).
/// </summary>
public static class PolicyCompliance
{
    public const string ApiVersion = "2024-10-01";

    public static async Task<PolicyComplianceSummary> SummarizeAsync(ArmConnection connection, ClusterResourceId id, IOperationSink sink, CancellationToken cancellationToken)
    {
        var body = await new ArmResources(connection)
            .PostAsync($"{id.Id}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize", ApiVersion, null, sink, cancellationToken)
            .ConfigureAwait(false);
        return Parse(id.Id, id.Name, body);
    }

    /// <summary>The summary in <paramref name="body"/>; a body without one (no policy has evaluated the cluster yet) is all zeros.</summary>
    public static PolicyComplianceSummary Parse(string clusterId, string clusterName, JsonObject? body)
    {
        var summary = (body?["value"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        var assignments = (JsonPaths.Get(summary, "policyAssignments") as JsonArray)?.OfType<JsonObject>().Select(a => Assignment(clusterName, a)).ToArray();
        return new PolicyComplianceSummary
        {
            ClusterId = clusterId,
            ClusterName = clusterName,
            NonCompliantResources = Count(summary, "results.nonCompliantResources"),
            NonCompliantPolicies = Count(summary, "results.nonCompliantPolicies"),
            Assignments = assignments ?? Array.Empty<PolicyAssignmentCompliance>(),
        };
    }

    private static PolicyAssignmentCompliance Assignment(string clusterName, JsonObject node)
    {
        var id = JsonPaths.GetString(node, "policyAssignmentId") ?? "";
        var name = id.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
        var setId = JsonPaths.GetString(node, "policySetDefinitionId") ?? "";
        return new PolicyAssignmentCompliance
        {
            ClusterName = clusterName,
            PolicyAssignmentId = id,
            PolicyAssignmentName = name,
            PolicySetDefinitionId = setId,
            PodSecurityInitiative = PodSecurityInitiative.ForDefinitionId(setId)?.Name,
            NonCompliantResources = Count(node, "results.nonCompliantResources"),
            NonCompliantPolicies = Count(node, "results.nonCompliantPolicies"),
            Definitions = (JsonPaths.Get(node, "policyDefinitions") as JsonArray)?.OfType<JsonObject>().Select(d => new PolicyDefinitionCompliance
            {
                PolicyAssignmentName = name,
                PolicyDefinitionId = JsonPaths.GetString(d, "policyDefinitionId") ?? "",
                PolicyDefinitionReferenceId = JsonPaths.GetString(d, "policyDefinitionReferenceId") ?? "",
                Effect = JsonPaths.GetString(d, "effect"),
                NonCompliantResources = Count(d, "results.nonCompliantResources"),
            }).ToArray() ?? Array.Empty<PolicyDefinitionCompliance>(),
        };
    }

    private static int Count(JsonNode? node, string path) =>
        JsonPaths.Get(node, path) is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0;
}
