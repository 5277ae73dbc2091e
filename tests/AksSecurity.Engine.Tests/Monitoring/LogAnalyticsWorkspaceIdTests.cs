using AksSecurity.Engine.Monitoring;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Monitoring;

public class LogAnalyticsWorkspaceIdTests
{
    [Fact]
    public void A_valid_id_keeps_the_callers_spelling_and_matches_any_case()
    {
        // The published AKS example spells the provider in lower case.
        var id = LogAnalyticsWorkspaceId.Parse(" /subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law-security/ ", "WorkspaceResourceId");

        Assert.Equal("/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law-security", id.Id);
        Assert.Equal("law-security", id.Name);
        Assert.Equal("rg-monitor", id.ResourceGroupName);
        Assert.True(id.Matches(MonitoringDocuments.Workspace));
        Assert.True(id.Matches(MonitoringDocuments.Workspace + "/"));
        Assert.False(id.Matches(MonitoringDocuments.OtherWorkspace));
        Assert.False(id.Matches(null));
    }

    [Theory]
    [InlineData("law-security", "is not a Log Analytics workspace resource id")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1", "is not a Log Analytics workspace resource id")]
    [InlineData("/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law1", "is not a GUID")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg!/providers/Microsoft.OperationalInsights/workspaces/law1", "Resource group name 'rg!'")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law", "Workspace name 'law'")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/-law1", "Workspace name '-law1'")]
    [InlineData("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law1/tables/t", "is not a Log Analytics workspace resource id")]
    [InlineData("", "is not a Log Analytics workspace resource id")]
    public void Malformed_ids_are_invalid_arguments_that_say_why(string text, string reason)
    {
        var ex = Assert.Throws<AksSecurityException>(() => LogAnalyticsWorkspaceId.Parse(text, "WorkspaceResourceId"));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains(reason, ex.Message);
        Assert.Equal("WorkspaceResourceId", ex.Target);
    }
}

public class AksLogCategoriesTests
{
    [Fact]
    public void Names_are_normalised_to_the_services_spelling_without_duplicates()
    {
        Assert.Equal(new[] { "kube-audit", "csi-azuredisk-controller" }, AksLogCategories.Normalize(new[] { "KUBE-AUDIT", " csi-azuredisk-controller", "kube-audit" }, "AdditionalLogCategory"));
    }

    [Fact]
    public void The_list_is_the_one_of_the_built_in_diagnostics_policy()
    {
        // policy 6c66c325 v3.0.0 (shared/fixtures/policy/DataConnectorsAzureKubernetes_DINE.json) names eleven log categories.
        Assert.Equal(11, AksLogCategories.All.Count);
        Assert.Contains("kube-audit-admin", AksLogCategories.All);
        Assert.Contains("guard", AksLogCategories.All);
    }

    [Fact]
    public void Every_unknown_name_is_named_in_one_error_with_the_valid_list()
    {
        var ex = Assert.Throws<AksSecurityException>(() => AksLogCategories.Normalize(new[] { "kube-audits", "guard", "AllMetrics" }, "AdditionalLogCategory"));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("'kube-audits', 'AllMetrics' are not AKS log categories", ex.Message);
        Assert.Contains("AllMetrics is a metric category", ex.Message);
        Assert.Contains("csi-snapshot-controller", ex.Message);
        Assert.Equal("AdditionalLogCategory", ex.Target);
    }
}
