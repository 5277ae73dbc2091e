using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Policy;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Policy;

public class PodSecurityInitiativeTests
{
    [Fact]
    public void The_embedded_definitions_are_the_two_built_in_initiatives()
    {
        Assert.Equal("/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d", PodSecurityInitiative.Baseline.PolicySetDefinitionId);
        Assert.Equal("/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00", PodSecurityInitiative.Restricted.PolicySetDefinitionId);
        Assert.Equal("1.4.0", PodSecurityInitiative.Baseline.Version);
        Assert.Equal("2.5.0", PodSecurityInitiative.Restricted.Version);
        Assert.Equal(new[] { "effect", "excludedNamespaces", "namespaces", "allowedHostPaths" }, PodSecurityInitiative.Baseline.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { "effect", "excludedNamespaces", "namespaces", "allowedCapabilities", "requiredDropCapabilities" }, PodSecurityInitiative.Restricted.Parameters.Select(p => p.Name));
        Assert.Equal(new[] { "audit", "Audit", "deny", "Deny", "disabled", "Disabled" }, PodSecurityInitiative.Baseline.Parameter("effect")!.AllowedValues);
        Assert.Equal("[\"kube-system\",\"gatekeeper-system\",\"azure-arc\",\"azure-extensions-usage-system\"]", JsonPaths.Display(PodSecurityInitiative.Restricted.DefaultOf("excludedNamespaces")));
    }

    [Fact]
    public void Definition_ids_match_in_any_case()
    {
        Assert.Same(PodSecurityInitiative.Restricted, PodSecurityInitiative.ForDefinitionId("/providers/microsoft.authorization/policysetdefinitions/42B8EF37-B724-4E24-BBC8-7A7708EDFE00"));
        Assert.Null(PodSecurityInitiative.ForDefinitionId("/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4"));
        Assert.Same(PodSecurityInitiative.Baseline, PodSecurityInitiative.FromName("baseline"));
    }

    [Fact]
    public void An_assignment_reads_its_scope_and_falls_back_to_the_initiatives_defaults()
    {
        var fixture = new PolicyAssignment(PolicyFixtures.ResponseBody("getPolicyAssignment.json"));
        Assert.Equal("/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2", fixture.Scope);
        Assert.Equal("EnforceNaming", fixture.Name);
        Assert.Null(fixture.Initiative);
        Assert.Null(fixture.Effect);

        // Without properties.scope (a body stored as sent), the scope is the id before the provider segment.
        var body = PolicyFixtures.ResponseBody("getPolicyAssignment.json");
        body["properties"]!.AsObject().Remove("scope");
        body["properties"]!["policyDefinitionId"] = PodSecurityInitiative.Baseline.PolicySetDefinitionId;
        body["properties"]!["parameters"] = new System.Text.Json.Nodes.JsonObject();
        var bare = new PolicyAssignment(body);
        Assert.Equal("/subscriptions/ae640e6b-ba3e-4256-9d62-2993eecfa6f2", bare.Scope);
        Assert.Equal("Audit", bare.Effect);
        Assert.Contains("kube-system", bare.ExcludedNamespaces);
        Assert.False(bare.Denies("kube-system"));
    }
}
