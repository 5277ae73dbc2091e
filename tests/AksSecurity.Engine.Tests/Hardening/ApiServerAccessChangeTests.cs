using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Hardening;

public class ApiServerAccessChangeTests
{
    private static ManagedClusterDocument WithRanges(params string[] ranges) =>
        ExampleClusters.PublicWith(new JsonObject { ["authorizedIPRanges"] = new JsonArray(ranges.Select(r => (JsonNode)r).ToArray()) });

    private static ChangePlan Plan(ManagedClusterDocument cluster, ApiServerAccessRequest request) => new ApiServerAccessChange(request).Plan(cluster);

    [Fact]
    public void Replacing_ranges_plans_exactly_that_field()
    {
        var plan = Plan(WithRanges("20.10.0.0/24"), new() { AuthorizedIpRanges = new[] { "52.3.4.5/32", "20.10.0.0/24" }, CallerIpAddress = "52.3.4.5" });

        var change = Assert.Single(plan.Changes);
        Assert.Equal(ManagedClusterView.AuthorizedIpRangesPath, change.Path);
        Assert.Equal("[\"20.10.0.0/24\"]", JsonPaths.Display(change.Before));
        Assert.Equal("[\"52.3.4.5/32\",\"20.10.0.0/24\"]", JsonPaths.Display(change.After));
    }

    [Fact]
    public void Same_ranges_again_plan_nothing()
    {
        var plan = Plan(WithRanges("20.10.0.0/24", "52.3.4.5/32"), new() { AuthorizedIpRanges = new[] { "20.10.0.0/24", "52.3.4.5/32" }, CallerIpAddress = "52.3.4.5" });
        Assert.True(plan.IsEmpty);
        Assert.Equal("no change", plan.Describe());
    }

    [Fact]
    public void Add_and_remove_edit_the_existing_list_and_warn_about_missing_ranges()
    {
        var plan = Plan(WithRanges("20.10.0.0/24", "52.3.4.5/32"),
            new() { AddRanges = new[] { "198.51.100.0/24", "20.10.0.0/24" }, RemoveRanges = new[] { "52.3.4.5/32", "192.0.2.0/24" }, CallerIpAddress = "198.51.100.9" });

        Assert.Equal("[\"20.10.0.0/24\",\"198.51.100.0/24\"]", JsonPaths.Display(Assert.Single(plan.Changes).After));
        Assert.Contains(plan.Warnings, w => w.Contains("192.0.2.0/24") && w.Contains("nothing to remove"));
    }

    [Fact]
    public void Clearing_sends_an_empty_list_and_warns_that_the_server_is_open()
    {
        var plan = Plan(WithRanges("20.10.0.0/24"), new() { ClearAuthorizedIpRanges = true });

        Assert.Equal("[]", JsonPaths.Display(Assert.Single(plan.Changes).After));
        Assert.Contains(plan.Warnings, w => w.Contains("opens the API server"));
        var document = WithRanges("20.10.0.0/24");
        plan.ApplyTo(document.Root);
        Assert.Empty(document.View.AuthorizedIpRanges);
    }

    [Fact]
    public void Clearing_what_is_already_clear_is_no_change()
    {
        Assert.True(Plan(WithRanges(), new() { ClearAuthorizedIpRanges = true }).IsEmpty);
        Assert.True(Plan(ExampleClusters.PublicWith(null), new() { ClearAuthorizedIpRanges = true }).IsEmpty);
    }

    [Fact]
    public void The_same_ranges_in_another_order_or_spelling_are_no_change()
    {
        var plan = Plan(WithRanges("20.10.0.0/24", "52.3.4.5"), new() { AuthorizedIpRanges = new[] { "52.3.4.5/32", "20.10.0.0/24" }, CallerIpAddress = "52.3.4.5" });
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void Removing_the_last_range_is_refused_without_the_clear_switch()
    {
        var ex = Assert.Throws<AksSecurityException>(() => Plan(WithRanges("20.10.0.0/24"), new() { RemoveRanges = new[] { "20.10.0.0/24" } }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("-ClearAuthorizedIpRange", ex.Message);
    }

    [Fact]
    public void Enabling_run_command_where_it_is_on_by_default_is_no_change()
    {
        Assert.True(Plan(ExampleClusters.PublicWith(null), new() { DisableRunCommand = false }).IsEmpty);
    }

    [Fact]
    public void Clusters_without_public_network_access_refuse_ranges()
    {
        var cluster = ExampleClusters.PublicWith(null);
        cluster.Root["properties"]!["publicNetworkAccess"] = "Disabled";
        var ex = Assert.Throws<AksSecurityException>(() => Plan(cluster, new() { AddRanges = new[] { "20.10.0.0/24" }, Force = true }));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
    }

    [Fact]
    public void An_empty_list_without_the_clear_switch_is_refused_before_anything_is_read()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new ApiServerAccessChange(new() { AuthorizedIpRanges = Array.Empty<string>() }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("-ClearAuthorizedIpRange", ex.Message);
    }

    [Fact]
    public void Every_invalid_range_is_named_in_one_error()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new ApiServerAccessChange(new() { AuthorizedIpRanges = new[] { "10.0.0.1/24", "300.1.1.1/32", "52.3.4.5/32" } }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("10.0.0.1/24", ex.Message);
        Assert.Contains("300.1.1.1/32", ex.Message);
        Assert.Equal("AuthorizedIpRange", ex.Target);
    }

    [Fact]
    public void Nodes_only_range_cannot_be_combined()
    {
        var ex = Assert.Throws<AksSecurityException>(() => Plan(WithRanges(), new() { AuthorizedIpRanges = new[] { "0.0.0.0/32", "52.3.4.5/32" }, Force = true }));
        Assert.Contains("0.0.0.0/32", ex.Message);
    }

    [Fact]
    public void More_ranges_than_the_service_allows_are_refused()
    {
        var many = Enumerable.Range(0, ApiServerAccessChange.MaxAuthorizedRanges + 1).Select(i => $"10.{i / 256}.{i % 256}.0/24").ToArray();
        var ex = Assert.Throws<AksSecurityException>(() => Plan(WithRanges(), new() { AuthorizedIpRanges = many, Force = true }));
        Assert.Contains("limit of 200", ex.Message);
    }

    [Fact]
    public void Narrowing_so_that_the_caller_is_outside_is_refused_unless_forced()
    {
        var request = new ApiServerAccessRequest { AuthorizedIpRanges = new[] { "20.10.0.0/24" }, CallerIpAddress = "198.51.100.7" };
        var ex = Assert.Throws<AksSecurityException>(() => Plan(WithRanges(), request));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
        Assert.Contains("198.51.100.7", ex.Message);
        Assert.Contains("-Force", ex.Message);

        var forced = Plan(WithRanges(), new() { AuthorizedIpRanges = new[] { "20.10.0.0/24" }, CallerIpAddress = "198.51.100.7", Force = true });
        Assert.Single(forced.Changes);
    }

    [Fact]
    public void Nodes_only_locks_out_every_caller()
    {
        var ex = Assert.Throws<AksSecurityException>(() => Plan(WithRanges(), new() { AuthorizedIpRanges = new[] { "0.0.0.0/32" }, CallerIpAddress = "198.51.100.7" }));
        Assert.Equal(AksErrorKind.LockoutRisk, ex.Kind);
    }

    [Fact]
    public void Unknown_caller_gets_a_warning_not_a_refusal()
    {
        var plan = Plan(WithRanges(), new() { AuthorizedIpRanges = new[] { "20.10.0.0/24" } });
        Assert.Single(plan.Changes);
        Assert.Contains(plan.Warnings, w => w.Contains("-CallerIpAddress"));
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("1")]
    [InlineData("10.0.0.0/24")]
    public void A_malformed_caller_address_is_refused(string caller)
    {
        var ex = Assert.Throws<AksSecurityException>(() => new ApiServerAccessChange(new() { DisableRunCommand = true, CallerIpAddress = caller }));
        Assert.Equal("CallerIpAddress", ex.Target);
    }

    [Fact]
    public void Private_clusters_refuse_authorized_ranges()
    {
        var ex = Assert.Throws<AksSecurityException>(() => Plan(ExampleClusters.Load("prod-private.json"), new() { AddRanges = new[] { "20.10.0.0/24" } }));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Contains("private cluster", ex.Message);
    }

    [Fact]
    public void Public_fqdn_applies_to_private_clusters_only()
    {
        var plan = Plan(ExampleClusters.Load("prod-private.json"), new() { EnablePrivateClusterPublicFqdn = false });
        Assert.Equal("properties.apiServerAccessProfile.enablePrivateClusterPublicFQDN: true -> false", Assert.Single(plan.Changes).ToString());

        var ex = Assert.Throws<AksSecurityException>(() => Plan(WithRanges(), new() { EnablePrivateClusterPublicFqdn = false }));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
    }

    [Fact]
    public void Disabling_run_command_creates_the_profile_when_absent()
    {
        var cluster = ExampleClusters.PublicWith(null);
        var plan = Plan(cluster, new() { DisableRunCommand = true });
        Assert.Equal("properties.apiServerAccessProfile.disableRunCommand: (absent) -> true", Assert.Single(plan.Changes).ToString());
        plan.ApplyTo(cluster.Root);
        Assert.True(cluster.View.RunCommandDisabled);
    }
}
