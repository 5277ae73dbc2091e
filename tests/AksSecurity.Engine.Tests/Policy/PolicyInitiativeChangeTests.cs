using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Policy;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Policy;

public class PolicyInitiativeChangeTests
{
    private static readonly string BaselineId = PodSecurityInitiative.Baseline.PolicySetDefinitionId;
    private static readonly string RestrictedId = PodSecurityInitiative.Restricted.PolicySetDefinitionId;

    private static ManagedClusterDocument Cluster(JsonObject? addonProfiles = null)
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        if (addonProfiles is not null)
        {
            cluster.Root["properties"]!["addonProfiles"] = addonProfiles;
        }

        return cluster;
    }

    private static string ClusterId => ExampleClusters.Load("dev-open.json").View.Id;
    private static string ResourceGroupId => ClusterId[..ClusterId.IndexOf("/providers/", StringComparison.Ordinal)];

    private static PolicyInitiativeChange Change(PolicyInitiativeRequest request) => new(request);

    private static (IReadOnlyList<ResourceChange> Writes, ChangePlan ClusterPlan) PlanWrites(PolicyInitiativeRequest request, params PolicyAssignment[] applying)
    {
        var cluster = Cluster();
        var change = Change(request);
        var clusterPlan = change.Plan(cluster);
        return (change.PlanResources(cluster, applying, clusterPlan), clusterPlan);
    }

    private static AksSecurityException Refused(Action action)
    {
        var ex = Assert.Throws<AksSecurityException>(action);
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        return ex;
    }

    private static PolicyAssignment AfterWrite(ResourceChange write)
    {
        // As the fake ARM (and ARM) keep it: the body as sent, with id and name.
        var stored = (JsonObject)write.After!.DeepClone();
        stored["id"] = write.ResourceId;
        stored["name"] = write.ResourceId.Split('/').Last();
        return new PolicyAssignment(stored);
    }

    [Fact]
    public void An_effect_the_initiative_does_not_allow_is_refused_naming_the_allowed_ones()
    {
        var ex = Refused(() => Change(new() { Initiative = "Baseline", Effect = "Block" }));
        Assert.Equal("Effect", ex.Target);
        Assert.Contains("'Block'", ex.Message);
        Assert.Contains("Audit, Deny, Disabled", ex.Message);
    }

    [Theory]
    [InlineData("deny", "Deny")]
    [InlineData("AUDIT", "Audit")]
    [InlineData("Disabled", "Disabled")]
    public void The_effect_is_sent_in_the_spelling_the_definition_lists(string given, string sent)
    {
        var parameter = Assert.Single(Change(new() { Initiative = "Restricted", Effect = given }).Parameters);
        Assert.Equal("effect", parameter.Key);
        Assert.Equal(sent, parameter.Value.GetValue<string>());
    }

    [Fact]
    public void Unknown_capabilities_are_refused_and_a_CAP_prefix_gets_a_hint()
    {
        var ex = Refused(() => Change(new() { Initiative = "Restricted", AllowedCapabilities = new[] { "NET_ADMN", "CAP_NET_ADMIN" } }));
        Assert.Equal("AllowedCapability", ex.Target);
        Assert.Contains("'NET_ADMN', 'CAP_NET_ADMIN' are not Linux capabilities", ex.Message);
        Assert.Contains("'NET_ADMIN', not 'CAP_NET_ADMIN'", ex.Message);

        Assert.Equal("RequiredDropCapability", Refused(() => Change(new() { Initiative = "Restricted", RequiredDropCapabilities = new[] { "*" } })).Target);
    }

    [Fact]
    public void Capabilities_are_written_upper_case_once_with_the_wildcards_the_policy_knows()
    {
        var change = Change(new() { Initiative = "Restricted", AllowedCapabilities = new[] { "net_bind_service", "NET_BIND_SERVICE", "*" }, RequiredDropCapabilities = new[] { "all", "net_raw" } });
        Assert.Equal("[\"NET_BIND_SERVICE\",\"*\"]", JsonPaths.Display(change.Parameters.Single(p => p.Key == "allowedCapabilities").Value));
        Assert.Equal("[\"ALL\",\"NET_RAW\"]", JsonPaths.Display(change.Parameters.Single(p => p.Key == "requiredDropCapabilities").Value));
    }

    [Fact]
    public void Capability_lists_are_refused_for_the_baseline_initiative_whose_definition_has_no_such_parameter()
    {
        var ex = Refused(() => Change(new() { Initiative = "Baseline", AllowedCapabilities = new[] { "CHOWN" } }));
        Assert.Contains("The Baseline initiative has no parameter 'allowedCapabilities'", ex.Message);
        Assert.Contains("effect, excludedNamespaces, namespaces, allowedHostPaths", ex.Message);
        Assert.Equal("AllowedCapability", ex.Target);
    }

    [Theory]
    [InlineData("Kube_System")]
    [InlineData("-system")]
    [InlineData("")]
    [InlineData("a-namespace-name-that-is-much-longer-than-the-sixty-three-characters-allowed")]
    public void Namespaces_must_be_dns_1123_labels(string name)
    {
        var ex = Refused(() => Change(new() { Initiative = "Baseline", ExcludedNamespaces = new[] { "kube-system", name } }));
        Assert.Equal("ExcludedNamespace", ex.Target);
        Assert.Contains("DNS-1123", ex.Message);
        Assert.Equal("Namespace", Refused(() => Change(new() { Initiative = "Baseline", Namespaces = new[] { name } })).Target);
    }

    [Fact]
    public void Remove_cannot_be_combined_with_parameters_and_unknown_initiatives_are_refused()
    {
        Assert.Contains("-Effect, -Namespace", Refused(() => Change(new() { Initiative = "Baseline", Remove = true, Effect = "Deny", Namespaces = new[] { "apps" } })).Message);
        Assert.Equal("Initiative", Refused(() => Change(new() { Initiative = "Privileged" })).Target);
    }

    [Fact]
    public void The_addon_is_turned_on_first_when_it_is_off()
    {
        var change = Change(new() { Initiative = "Baseline" });
        var plan = change.Plan(Cluster());
        var edit = Assert.Single(plan.Changes);
        Assert.Equal("properties.addonProfiles.azurepolicy.enabled", edit.Path);
        Assert.Null(edit.Before);
        Assert.True(edit.After!.GetValue<bool>());

        Assert.True(change.Plan(Cluster(new JsonObject { ["azurepolicy"] = new JsonObject { ["enabled"] = true } })).IsEmpty);
        Assert.True(Change(new() { Initiative = "Baseline", Remove = true }).Plan(Cluster()).IsEmpty);
    }

    [Fact]
    public void The_addon_key_keeps_the_spelling_the_document_uses()
    {
        var cluster = Cluster(new JsonObject { ["azurePolicy"] = new JsonObject { ["enabled"] = false, ["config"] = null } });
        var plan = Change(new() { Initiative = "Baseline" }).Plan(cluster);
        Assert.Equal("properties.addonProfiles.azurePolicy.enabled: false -> true", Assert.Single(plan.Changes).ToString());

        plan.ApplyTo(cluster.Root);
        var addons = (JsonObject)cluster.Root["properties"]!["addonProfiles"]!;
        Assert.Equal(new[] { "azurePolicy" }, addons.Select(a => a.Key));
        Assert.True(cluster.View.AzurePolicyAddonEnabled);
    }

    [Fact]
    public void A_new_assignment_is_created_at_the_cluster_scope_with_a_stable_name_and_its_effect()
    {
        var (writes, _) = PlanWrites(new() { Initiative = "Baseline", Effect = "Deny" });
        var write = Assert.Single(writes);
        Assert.Equal($"{ClusterId}/providers/Microsoft.Authorization/policyAssignments/aks-pod-security-baseline", write.ResourceId);
        Assert.Equal("2025-01-01", write.ApiVersion);
        Assert.Null(write.Before);
        Assert.Equal(BaselineId, JsonPaths.GetString(write.After, "properties.policyDefinitionId"));
        Assert.Equal("Deny", JsonPaths.GetString(write.After, "properties.parameters.effect.value"));
        Assert.Equal("Default", JsonPaths.GetString(write.After, "properties.enforcementMode"));

        var whatIf = write.Describe();
        Assert.StartsWith($"Create policy assignment 'aks-pod-security-baseline' (Baseline pod security initiative): {write.ResourceId}", whatIf);
        Assert.Contains($"properties.policyDefinitionId: (absent) -> \"{BaselineId}\"", whatIf);
        Assert.Contains("properties.parameters.effect.value: (absent) -> \"Deny\"", whatIf);
    }

    [Fact]
    public void Without_an_effect_a_new_assignment_states_the_initiatives_default()
    {
        var write = Assert.Single(PlanWrites(new() { Initiative = "Restricted" }).Writes);
        Assert.Equal("Audit", JsonPaths.GetString(write.After, "properties.parameters.effect.value"));
        Assert.Equal(RestrictedId, JsonPaths.GetString(write.After, "properties.policyDefinitionId"));
    }

    [Fact]
    public void The_same_parameters_again_plan_nothing()
    {
        var request = new PolicyInitiativeRequest { Initiative = "Restricted", Effect = "Deny", ExcludedNamespaces = new[] { "kube-system", "gatekeeper-system" }, AllowedCapabilities = new[] { "CHOWN" } };
        var created = AfterWrite(Assert.Single(PlanWrites(request).Writes));

        Assert.Empty(PlanWrites(request, created).Writes);
        // Lists in another order and the effect in another case are the same values.
        Assert.Empty(PlanWrites(new() { Initiative = "Restricted", Effect = "deny", ExcludedNamespaces = new[] { "gatekeeper-system", "kube-system" } }, created).Writes);
        // Parameters not given are left as the assignment has them.
        Assert.Empty(PlanWrites(new() { Initiative = "Restricted" }, created).Writes);
    }

    [Fact]
    public void An_existing_assignment_of_ours_is_updated_not_duplicated_and_keeps_its_other_fields()
    {
        var ours = PolicyFixtures.Assignment(ClusterId, "aks-pod-security-baseline", BaselineId, PolicyFixtures.Parameters(("effect", "Audit")));
        var write = Assert.Single(PlanWrites(new() { Initiative = "Baseline", Effect = "Deny", Namespaces = new[] { "apps" } }, ours).Writes);

        Assert.Equal(ours.Id, write.ResourceId);
        Assert.Same(ours.Document, write.Before);
        Assert.Equal("Special Someone", JsonPaths.GetString(write.After, "properties.metadata.assignedBy"));
        var diff = write.Describe().Split(Environment.NewLine).Skip(1).Select(l => l.Trim()).ToArray();
        Assert.Equal(new[] { "properties.parameters.effect.value: \"Audit\" -> \"Deny\"", "properties.parameters.namespaces.value: (absent) -> [\"apps\"]" }, diff);
        Assert.StartsWith("Update ", write.Describe());
    }

    [Fact]
    public void An_assignment_of_the_initiative_made_by_someone_else_at_the_cluster_scope_is_updated_rather_than_adding_a_second()
    {
        var portal = PolicyFixtures.Assignment(ClusterId, "3f1c0d5e8a7b4c2d9e6f1a0b", BaselineId.ToLowerInvariant(), PolicyFixtures.Parameters(("effect", "audit")));
        var inherited = PolicyFixtures.Assignment(ResourceGroupId, "rg-baseline", BaselineId);
        var write = Assert.Single(PlanWrites(new() { Initiative = "Baseline", Effect = "Deny" }, portal, inherited).Writes);
        Assert.Equal(portal.Id, write.ResourceId);
    }

    [Fact]
    public void A_second_assignment_of_the_same_initiative_at_the_cluster_gets_a_warning()
    {
        var ours = PolicyFixtures.Assignment(ClusterId, "aks-pod-security-baseline", BaselineId, PolicyFixtures.Parameters(("effect", "Deny")));
        var other = PolicyFixtures.Assignment(ClusterId, "another", BaselineId);
        var (writes, plan) = PlanWrites(new() { Initiative = "Baseline", Effect = "Deny" }, other, ours);
        Assert.Empty(writes);
        Assert.Contains(plan.Warnings, w => w.Contains("'another' also assigns the Baseline initiative"));
    }

    [Fact]
    public void A_DoNotEnforce_assignment_is_set_back_to_enforced()
    {
        var ours = PolicyFixtures.Assignment(ClusterId, "aks-pod-security-baseline", BaselineId, PolicyFixtures.Parameters(("effect", "Deny")), "DoNotEnforce");
        var write = Assert.Single(PlanWrites(new() { Initiative = "Baseline", Effect = "Deny" }, ours).Writes);
        Assert.Contains("properties.enforcementMode: \"DoNotEnforce\" -> \"Default\"", write.Describe());
    }

    [Fact]
    public void Switching_to_restricted_deletes_our_baseline_assignment_and_says_so()
    {
        var ourBaseline = PolicyFixtures.Assignment(ClusterId, "aks-pod-security-baseline", BaselineId, PolicyFixtures.Parameters(("effect", "Deny")));
        var theirs = PolicyFixtures.Assignment(ClusterId, "team-baseline", BaselineId);
        var (writes, plan) = PlanWrites(new() { Initiative = "Restricted", Effect = "Audit" }, ourBaseline, theirs);

        Assert.Equal(2, writes.Count);
        Assert.Equal(RestrictedId, JsonPaths.GetString(writes[0].After, "properties.policyDefinitionId"));
        Assert.True(writes[1].IsDelete);
        Assert.Equal(ourBaseline.Id, writes[1].ResourceId);
        Assert.StartsWith($"Delete policy assignment 'aks-pod-security-baseline' (Baseline pod security initiative): {ourBaseline.Id}", writes[1].Describe());
        Assert.Contains(plan.Warnings, w => w.Contains("replaces this module's Baseline assignment 'aks-pod-security-baseline', which is deleted"));
        Assert.Contains(plan.Warnings, w => w.Contains("no longer refused"));
        Assert.Contains(plan.Warnings, w => w.Contains("'team-baseline'") && w.Contains("left in place"));
    }

    [Fact]
    public void Remove_deletes_the_assignment_at_the_cluster_and_names_inherited_ones()
    {
        var ours = PolicyFixtures.Assignment(ClusterId, "aks-pod-security-restricted", RestrictedId);
        var inherited = PolicyFixtures.Assignment("/subscriptions/00000000-0000-0000-0000-000000000000", "sub-restricted", RestrictedId);
        var (writes, plan) = PlanWrites(new() { Initiative = "Restricted", Remove = true }, ours, inherited);

        var delete = Assert.Single(writes);
        Assert.True(delete.IsDelete);
        Assert.Equal(ours.Id, delete.ResourceId);
        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Warnings, w => w.Contains("'sub-restricted' at scope /subscriptions/00000000-0000-0000-0000-000000000000"));

        Assert.Empty(PlanWrites(new() { Initiative = "Restricted", Remove = true }, inherited).Writes);
    }

    [Fact]
    public void Deny_in_kube_system_is_refused_unless_forced()
    {
        var request = new PolicyInitiativeRequest { Initiative = "Baseline", Effect = "Deny", ExcludedNamespaces = new[] { "gatekeeper-system" } };
        var ex = Assert.Throws<AksSecurityException>(() => PlanWrites(request));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
        Assert.Contains("kube-system", ex.Message);
        Assert.Contains("-Force", ex.Message);

        var (writes, plan) = PlanWrites(new() { Initiative = "Baseline", Effect = "Deny", ExcludedNamespaces = Array.Empty<string>(), Force = true });
        Assert.Single(writes);
        Assert.Contains(plan.Warnings, w => w.StartsWith("-Force"));
    }

    [Fact]
    public void The_guard_reads_the_result_not_only_the_parameters_given()
    {
        // Deny on an assignment that already excludes nothing: the effect alone brings Deny into kube-system.
        var audit = PolicyFixtures.Assignment(ClusterId, "aks-pod-security-baseline", BaselineId,
            PolicyFixtures.Parameters(("effect", "Audit"), ("excludedNamespaces", new JsonArray())));
        Assert.Throws<AksSecurityException>(() => PlanWrites(new() { Initiative = "Baseline", Effect = "Deny" }, audit));

        // Limited to other namespaces, kube-system is not evaluated at all.
        Assert.Single(PlanWrites(new() { Initiative = "Baseline", Effect = "Deny", ExcludedNamespaces = Array.Empty<string>(), Namespaces = new[] { "apps" } }).Writes);

        // The initiative's default exclusions keep kube-system out.
        Assert.Single(PlanWrites(new() { Initiative = "Baseline", Effect = "Deny" }).Writes);
    }
}
