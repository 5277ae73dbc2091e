using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tests.TestData;
using static AksSecurity.Engine.Tests.TestData.EntraClusters;

namespace AksSecurity.Engine.Tests.Checks;

public class AadRbacChecksTests
{
    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    [Fact]
    public void Kubernetes_rbac_off_is_high_and_says_it_is_set_at_creation_only()
    {
        var result = AadRbacChecks.Evaluate(RbacOff());

        Assert.Equal(new[] { "AKS-AAD-001", "AKS-AAD-002", "AKS-AAD-003", "AKS-AAD-004" }, Ids(result));
        var rbac = result.Findings[0];
        Assert.Equal(Severity.High, rbac.Severity);
        Assert.Contains("set at creation only", rbac.Title);
        Assert.Equal("properties.enableRBAC", rbac.JsonPath);
        Assert.Contains("properties.enableRBAC is false", rbac.Evidence);
        Assert.Contains("Enable-AksAadRbac", rbac.Remediation);
        // The others point at the new cluster, since Enable-AksAadRbac refuses this one.
        Assert.All(result.Findings.Skip(1), f => Assert.Contains("only a new cluster can fix", f.Remediation));
    }

    [Fact]
    public void A_cluster_with_rbac_only_gets_the_entra_findings_with_commands_that_fix_them()
    {
        var result = AadRbacChecks.Evaluate(RbacOnly());
        var id = RbacOnly().View.Id;

        Assert.Equal(new[] { "AKS-AAD-002", "AKS-AAD-003", "AKS-AAD-004" }, Ids(result));
        // No admin groups apply without managed Entra ID: not run, not guessed.
        Assert.DoesNotContain("AKS-AAD-005", result.ChecksRun);
        Assert.Equal($"Enable-AksAadRbac -Id '{id}' -AdminGroupObjectId <group object id>", result.Findings[0].Remediation);
        Assert.Equal($"Enable-AksAadRbac -Id '{id}' -EnableAzureRbac", result.Findings[1].Remediation);
        Assert.StartsWith($"Enable-AksAadRbac -Id '{id}' -DisableLocalAccount -AdminGroupObjectId <group object id>", result.Findings[2].Remediation);
        Assert.Equal("properties.aadProfile.managed", result.Findings[0].JsonPath);
        Assert.Equal(Severity.Medium, result.Findings[0].Severity);
        Assert.Equal(Severity.Low, result.Findings[1].Severity);
        Assert.Equal("properties.disableLocalAccounts", result.Findings[2].JsonPath);
    }

    [Fact]
    public void The_managed_example_with_azure_rbac_only_misses_disabled_local_accounts()
    {
        var result = AadRbacChecks.Evaluate(Managed());
        Assert.Equal(new[] { "AKS-AAD-004" }, Ids(result));
        Assert.Contains("AKS-AAD-005", result.ChecksRun);
        // Azure RBAC gives a way in, so no group needs naming to disable local accounts.
        Assert.StartsWith($"Enable-AksAadRbac -Id '{Managed().View.Id}' -DisableLocalAccount (", result.Findings[0].Remediation);
    }

    [Fact]
    public void A_fully_configured_cluster_passes()
    {
        var cluster = With(new JsonObject { ["managed"] = true, ["enableAzureRBAC"] = true, ["adminGroupObjectIDs"] = new JsonArray(GroupA) }, disableLocalAccounts: true);
        var result = AadRbacChecks.Evaluate(cluster);
        Assert.True(result.Passed, string.Join("; ", result.Findings));
        Assert.Equal(new[] { "AKS-AAD-001", "AKS-AAD-002", "AKS-AAD-003", "AKS-AAD-004", "AKS-AAD-005" }, result.ChecksRun);
    }

    [Fact]
    public void No_admin_group_without_azure_rbac_is_medium_and_high_when_local_accounts_are_off_too()
    {
        var open = AadRbacChecks.Evaluate(With(new JsonObject { ["managed"] = true }));
        var noGroup = Assert.Single(open.Findings, f => f.CheckId == "AKS-AAD-005");
        Assert.Equal(Severity.Medium, noGroup.Severity);
        Assert.Contains("only the local admin account is", noGroup.Evidence);

        var lockedOut = AadRbacChecks.Evaluate(With(new JsonObject { ["managed"] = true }, disableLocalAccounts: true));
        var none = Assert.Single(lockedOut.Findings, f => f.CheckId == "AKS-AAD-005");
        Assert.Equal(Severity.High, none.Severity);
        Assert.Contains("no local admin either", none.Evidence);
        Assert.Equal("properties.aadProfile.adminGroupObjectIDs", none.JsonPath);
    }

    [Fact]
    public void The_legacy_integration_is_named_in_the_evidence()
    {
        var result = AadRbacChecks.Evaluate(Legacy());
        Assert.Contains("legacy Entra integration", Assert.Single(result.Findings, f => f.CheckId == "AKS-AAD-002").Evidence);
    }

    [Fact]
    public void Az_cli_spellings_read_alike()
    {
        // az aks show writes enableRbac and the aadProfile keys in camel case.
        var cluster = RbacOnly();
        var properties = cluster.Root["properties"]!.AsObject();
        properties.Remove("enableRBAC");
        properties["enableRbac"] = false;
        properties["aadProfile"] = new JsonObject { ["managed"] = true, ["enableAzureRbac"] = true, ["adminGroupObjectIds"] = new JsonArray(GroupA) };
        var result = AadRbacChecks.Evaluate(cluster);
        Assert.Equal(new[] { "AKS-AAD-001", "AKS-AAD-004" }, Ids(result));
    }

    [Fact]
    public void An_rbac_setting_that_is_not_a_literal_is_not_read_as_off()
    {
        var cluster = RbacOnly();
        cluster.Root["properties"]!["enableRBAC"] = "[parameters('rbac')]";
        Assert.DoesNotContain("AKS-AAD-001", Ids(AadRbacChecks.Evaluate(cluster)));
    }
}
