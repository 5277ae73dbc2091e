using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;
using static AksSecurity.Engine.Tests.TestData.EntraClusters;

namespace AksSecurity.Engine.Tests.Hardening;

public class AadRbacChangeTests
{
    private static ChangePlan Plan(ManagedClusterDocument cluster, AadRbacRequest request) => new AadRbacChange(request).Plan(cluster);

    private static string[] Lines(ChangePlan plan) => plan.Changes.Select(c => c.ToString()).ToArray();

    [Fact]
    public void Turning_on_managed_entra_id_writes_exactly_the_asked_fields()
    {
        var change = new AadRbacChange(new() { AdminGroupObjectIds = new[] { GroupA }, EnableAzureRbac = true, TenantId = Tenant });
        var plan = change.Plan(RbacOnly());

        Assert.Equal(new[]
        {
            "properties.aadProfile.managed: (absent) -> true",
            "properties.aadProfile.enableAzureRBAC: (absent) -> true",
            $"properties.aadProfile.adminGroupObjectIDs: (absent) -> [\"{GroupA}\"]",
            $"properties.aadProfile.tenantID: (absent) -> \"{Tenant}\"",
        }, Lines(plan));
        Assert.True(change.TurnsOnManagedEntraId);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Without_parameters_it_turns_managed_entra_id_on_as_the_published_request_does()
    {
        var plan = Plan(RbacOnly(), new());
        Assert.Equal(new[] { "properties.aadProfile.managed: (absent) -> true" }, Lines(plan));
        // Nobody is admin through Entra yet: said, not refused (local accounts still work).
        Assert.Contains(plan.Warnings, w => w.Contains("nobody is cluster admin through Entra ID"));
    }

    [Fact]
    public void Switching_from_the_legacy_integration_drops_its_app_ids_and_keeps_the_tenant()
    {
        var plan = Plan(Legacy(), new() { AdminGroupObjectIds = new[] { GroupA } });

        Assert.Equal(new[]
        {
            "properties.aadProfile.managed: (absent) -> true",
            "properties.aadProfile.clientAppID: \"11111111-2222-3333-4444-555555555555\" -> (absent)",
            "properties.aadProfile.serverAppID: \"66666666-7777-8888-9999-000000000000\" -> (absent)",
            $"properties.aadProfile.adminGroupObjectIDs: (absent) -> [\"{GroupA}\"]",
        }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("legacy Entra integration"));
        var cluster = Legacy();
        plan.ApplyTo(cluster.Root);
        Assert.Equal(Tenant, cluster.View.AadTenantId);
        Assert.False(cluster.View.LegacyEntraId);
    }

    [Fact]
    public void A_managed_cluster_keeps_its_profile_and_only_asked_fields_change()
    {
        var change = new AadRbacChange(new() { AddAdminGroupObjectIds = new[] { GroupB } });
        var plan = change.Plan(Managed());

        // The example's adminGroupObjectIDs is null, which reads as no groups.
        Assert.Equal(new[] { $"properties.aadProfile.adminGroupObjectIDs: (absent) -> [\"{GroupB}\"]" }, Lines(plan));
        Assert.False(change.TurnsOnManagedEntraId);
    }

    [Fact]
    public void Existing_admin_groups_are_kept_unless_replaced()
    {
        var cluster = With(new JsonObject { ["managed"] = true, ["adminGroupObjectIDs"] = new JsonArray(GroupA) });

        Assert.True(Plan(cluster, new() { EnableAzureRbac = false }).IsEmpty);
        Assert.Equal(new[] { $"properties.aadProfile.adminGroupObjectIDs: [\"{GroupA}\"] -> [\"{GroupA}\",\"{GroupB}\"]" },
            Lines(Plan(cluster, new() { AddAdminGroupObjectIds = new[] { GroupB, GroupA.ToUpperInvariant() } })));

        var replaced = Plan(cluster, new() { AdminGroupObjectIds = new[] { GroupB } });
        Assert.Equal(new[] { $"properties.aadProfile.adminGroupObjectIDs: [\"{GroupA}\"] -> [\"{GroupB}\"]" }, Lines(replaced));
        Assert.Contains(replaced.Warnings, w => w.Contains(GroupA) && w.Contains("stop being cluster admins"));
    }

    [Fact]
    public void The_same_groups_in_another_order_or_case_are_no_change()
    {
        var cluster = With(new JsonObject { ["managed"] = true, ["adminGroupObjectIDs"] = new JsonArray(GroupA.ToUpperInvariant(), GroupB) });
        Assert.True(Plan(cluster, new() { AdminGroupObjectIds = new[] { GroupB, GroupA } }).IsEmpty);
    }

    [Fact]
    public void Applying_the_plan_and_planning_again_is_no_change()
    {
        var cluster = RbacOnly();
        var change = new AadRbacChange(new() { AdminGroupObjectIds = new[] { GroupA }, EnableAzureRbac = true, DisableLocalAccounts = true, TenantId = Tenant });
        change.Plan(cluster).ApplyTo(cluster.Root);

        var again = change.Plan(cluster);
        Assert.True(again.IsEmpty, again.Describe());
        Assert.False(change.TurnsOnManagedEntraId);
        Assert.Empty(again.Warnings);
    }

    [Fact]
    public void Disabling_local_accounts_with_an_admin_group_writes_the_field_and_says_to_rotate_certificates()
    {
        var plan = Plan(RbacOnly(), new() { AdminGroupObjectIds = new[] { GroupA }, DisableLocalAccounts = true });
        Assert.Contains("properties.disableLocalAccounts: (absent) -> true", Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("rotate-certs"));
    }

    [Fact]
    public void Disabling_local_accounts_with_nobody_left_to_sign_in_is_refused()
    {
        var ex = Assert.Throws<AksSecurityException>(() => Plan(RbacOnly(), new() { DisableLocalAccounts = true }));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
        Assert.Contains("nobody could get cluster-admin credentials", ex.Message);
        Assert.Contains("-AdminGroupObjectId", ex.Message);
    }

    [Fact]
    public void Azure_rbac_alone_is_enough_to_disable_local_accounts_with_a_reminder_about_role_assignments()
    {
        var plan = Plan(Managed(), new() { DisableLocalAccounts = true });
        Assert.Equal(new[] { "properties.disableLocalAccounts: (absent) -> true" }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("Azure Kubernetes Service RBAC Cluster Admin"));
    }

    [Fact]
    public void Taking_azure_rbac_away_from_a_cluster_whose_only_way_in_it_is_is_refused()
    {
        var cluster = Managed();
        cluster.Root["properties"]!["disableLocalAccounts"] = true;

        var ex = Assert.Throws<AksSecurityException>(() => Plan(cluster, new() { EnableAzureRbac = false }));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
        // With a group named in the same call it is allowed.
        var plan = Plan(cluster, new() { EnableAzureRbac = false, AdminGroupObjectIds = new[] { GroupA } });
        Assert.Contains("properties.aadProfile.enableAzureRBAC: true -> false", Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("Azure role assignments"));
    }

    [Fact]
    public void Kubernetes_rbac_off_is_refused_as_not_supported_whatever_is_asked()
    {
        var ex = Assert.Throws<AksSecurityException>(() => Plan(RbacOff(), new() { AdminGroupObjectIds = new[] { GroupA } }));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Contains("Only cluster creation sets it", ex.Message);
        Assert.Equal(RbacOff().View.Id, ex.Target);
    }

    [Fact]
    public void Local_accounts_can_be_turned_back_on()
    {
        var cluster = With(new JsonObject { ["managed"] = true, ["adminGroupObjectIDs"] = new JsonArray(GroupA) }, disableLocalAccounts: true);
        Assert.Equal(new[] { "properties.disableLocalAccounts: true -> false" }, Lines(Plan(cluster, new() { DisableLocalAccounts = false })));
    }

    [Fact]
    public void Moving_a_managed_cluster_to_another_tenant_warns()
    {
        var cluster = With(new JsonObject { ["managed"] = true, ["tenantID"] = Tenant, ["adminGroupObjectIDs"] = new JsonArray(GroupA) });
        var other = "0f0e0d0c-0b0a-4909-8807-060504030201";
        var plan = Plan(cluster, new() { TenantId = other });
        Assert.Equal(new[] { $"properties.aadProfile.tenantID: \"{Tenant}\" -> \"{other}\"" }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("lose access"));
        Assert.True(Plan(cluster, new() { TenantId = Tenant.ToUpperInvariant() }).IsEmpty);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("{8d3a1c2e-5b4f-4a6e-9c7d-0e1f2a3b4c5d}")]
    public void Bad_group_ids_are_refused_before_anything_is_sent(string id)
    {
        var ex = Assert.Throws<AksSecurityException>(() => new AadRbacChange(new() { AdminGroupObjectIds = new[] { GroupA, id } }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("AdminGroupObjectId", ex.Target);
        Assert.Contains(id, ex.Message);
    }

    [Fact]
    public void Every_bad_id_is_named_at_once_and_each_parameter_is_checked()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new AadRbacChange(new() { AddAdminGroupObjectIds = new[] { "x", "y" } }));
        Assert.Equal("AddAdminGroupObjectId", ex.Target);
        Assert.Contains("'x'", ex.Message);
        Assert.Contains("'y'", ex.Message);
        Assert.Equal("TenantId", Assert.Throws<AksSecurityException>(() => new AadRbacChange(new() { TenantId = "contoso.onmicrosoft.com" })).Target);
        Assert.Contains("at least one", Assert.Throws<AksSecurityException>(() => new AadRbacChange(new() { AdminGroupObjectIds = Array.Empty<string>() })).Message);
    }

    [Fact]
    public void Group_ids_are_written_in_normal_form_once()
    {
        var plan = Plan(RbacOnly(), new() { AdminGroupObjectIds = new[] { GroupA.ToUpperInvariant(), " " + GroupA + " " } });
        Assert.Contains($"properties.aadProfile.adminGroupObjectIDs: (absent) -> [\"{GroupA}\"]", Lines(plan));
    }
}
