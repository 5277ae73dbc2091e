using System.Text.Json.Nodes;
using AksSecurity.Engine.Policy;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Policy;

public class PolicyComplianceTests
{
    private const string ClusterId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1";

    [Fact]
    public void The_published_summary_becomes_typed_rows_per_assignment_and_definition()
    {
        var summary = PolicyCompliance.Parse(ClusterId, "clustername1", PolicyFixtures.ResponseBody("PolicyStates_SummarizeResourceScope.json"));

        Assert.Equal("clustername1", summary.ClusterName);
        Assert.Equal(1, summary.NonCompliantResources);
        Assert.Equal(14, summary.NonCompliantPolicies);
        Assert.Equal(new[] { "8174043a1e2849179635b874", "1ef5d536aec743a0aa801c1a" }, summary.Assignments.Select(a => a.PolicyAssignmentName));

        var initiative = summary.Assignments[1];
        Assert.Equal("/providers/microsoft.management/managementgroups/mymg/providers/microsoft.authorization/policysetdefinitions/335cefd2-ab16-430f-b364-974a170eb1d5", initiative.PolicySetDefinitionId);
        Assert.Null(initiative.PodSecurityInitiative);
        Assert.Equal(1, initiative.NonCompliantResources);
        Assert.Equal(1, initiative.NonCompliantPolicies);
        var definition = Assert.Single(initiative.Definitions);
        Assert.Equal("audit", definition.Effect);
        Assert.Equal(1, definition.NonCompliantResources);
        Assert.Equal("1ef5d536aec743a0aa801c1a", definition.PolicyAssignmentName);
        Assert.EndsWith("022d9357-5a90-46f7-9554-21d30ce4c32d", definition.PolicyDefinitionId);
    }

    [Fact]
    public void Pod_security_assignments_are_named_and_an_empty_answer_is_all_zeros()
    {
        var body = PolicyFixtures.ResponseBody("PolicyStates_SummarizeResourceScope.json");
        body["value"]![0]!["policyAssignments"]![1]!["policySetDefinitionId"] = PodSecurityInitiative.Restricted.PolicySetDefinitionId.ToLowerInvariant();
        Assert.Equal("Restricted", PolicyCompliance.Parse(ClusterId, "clustername1", body).Assignments[1].PodSecurityInitiative);

        var empty = PolicyCompliance.Parse(ClusterId, "clustername1", new JsonObject { ["value"] = new JsonArray() });
        Assert.Equal(0, empty.NonCompliantResources);
        Assert.Empty(empty.Assignments);
    }
}
