using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Monitoring;
using static AksSecurity.Engine.Tests.TestData.MonitoringDocuments;

namespace AksSecurity.Engine.Tests.Hardening;

public class MonitoringChangeTests
{
    private static MonitoringChange Change(string workspace = Workspace, string[]? additional = null, bool containerInsights = true, bool metrics = false,
        string name = MonitoringRequest.DefaultDiagnosticSettingName) =>
        new(new MonitoringRequest
        {
            WorkspaceResourceId = workspace,
            AdditionalLogCategories = additional ?? Array.Empty<string>(),
            ContainerInsights = containerInsights,
            PrometheusMetrics = metrics,
            DiagnosticSettingName = name,
        });

    private static string[] Lines(ChangePlan plan) => plan.Changes.Select(c => c.ToString()).ToArray();

    private static JsonObject OmsAgent(string key, string? workspaceKey, string? workspace, string? aadKey = null, string? aad = null, bool enabled = true)
    {
        var config = new JsonObject();
        if (workspaceKey is not null)
        {
            config[workspaceKey] = workspace;
        }

        if (aadKey is not null)
        {
            config[aadKey] = aad;
        }

        return new JsonObject { [key] = new JsonObject { ["enabled"] = enabled, ["config"] = config } };
    }

    [Fact]
    public void A_bare_cluster_gets_container_insights_with_managed_identity_auth_and_nothing_else()
    {
        var plan = Change().Plan(Bare());

        Assert.Equal(new[]
        {
            "properties.addonProfiles.omsagent.enabled: (absent) -> true",
            $"properties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID: (absent) -> \"{Workspace}\"",
            "properties.addonProfiles.omsagent.config.useAADAuth: (absent) -> \"true\"",
        }, Lines(plan));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Prometheus_metrics_are_opt_in()
    {
        Assert.DoesNotContain(Change().Plan(Bare()).Changes, c => c.Path.Contains("azureMonitorProfile"));
        var plan = Change(metrics: true, containerInsights: false).Plan(Bare());
        Assert.Equal(new[] { "properties.azureMonitorProfile.metrics.enabled: (absent) -> true" }, Lines(plan));
    }

    [Fact]
    public void Existing_key_spellings_are_kept_and_the_same_workspace_in_another_case_is_no_change()
    {
        var cluster = With("addonProfiles", OmsAgent("omsAgent", "logAnalyticsWorkspaceResourceId", Workspace.ToUpperInvariant(), "UseAadAuth", "True"));
        Assert.True(Change().Plan(cluster).IsEmpty);

        var keyAuth = With("addonProfiles", OmsAgent("omsAgent", "logAnalyticsWorkspaceResourceId", Workspace, "UseAadAuth", "false"));
        var plan = Change().Plan(keyAuth);
        Assert.Equal(new[] { "properties.addonProfiles.omsAgent.config.UseAadAuth: \"false\" -> \"true\"" }, Lines(plan));
        plan.ApplyTo(keyAuth.Root);
        var addon = (JsonObject)keyAuth.Root["properties"]!["addonProfiles"]!;
        Assert.Equal(new[] { "omsAgent" }, addon.Select(p => p.Key));
        Assert.Equal(new[] { "logAnalyticsWorkspaceResourceId", "UseAadAuth" }, ((JsonObject)addon["omsAgent"]!["config"]!).Select(p => p.Key));
        Assert.True(Change().Plan(keyAuth).IsEmpty);
    }

    [Fact]
    public void Moving_container_insights_to_another_workspace_warns()
    {
        var cluster = With("addonProfiles", OmsAgent("omsagent", "logAnalyticsWorkspaceResourceID", OtherWorkspace, "useAADAuth", "true"));
        var plan = Change().Plan(cluster);

        Assert.Equal(new[] { $"properties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID: \"{OtherWorkspace}\" -> \"{Workspace}\"" }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("law-other") && w.Contains("instead"));
    }

    [Fact]
    public void A_disabled_add_on_is_switched_on_without_a_workspace_warning()
    {
        var cluster = With("addonProfiles", OmsAgent("omsagent", "logAnalyticsWorkspaceResourceID", OtherWorkspace, enabled: false));
        var plan = Change().Plan(cluster);

        Assert.Contains("properties.addonProfiles.omsagent.enabled: false -> true", Lines(plan));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void Skipping_container_insights_and_metrics_leaves_the_cluster_alone()
    {
        Assert.True(Change(containerInsights: false).Plan(Bare()).IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("name?x")]
    [InlineData("50%")]
    public void Bad_setting_names_are_refused_before_anything_is_sent(string name)
    {
        var ex = Assert.Throws<AksSecurityException>(() => Change(name: name));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("DiagnosticSettingName", ex.Target);
    }

    [Fact]
    public void A_bad_workspace_id_or_category_is_refused_before_anything_is_sent()
    {
        Assert.Equal("WorkspaceResourceId", Assert.Throws<AksSecurityException>(() => Change(workspace: "law-security")).Target);
        Assert.Equal("AdditionalLogCategory", Assert.Throws<AksSecurityException>(() => Change(additional: new[] { "audit" })).Target);
    }

    [Fact]
    public void The_baseline_categories_come_first_and_additional_ones_are_not_repeated()
    {
        Assert.Equal(new[] { "kube-audit-admin", "guard", "kube-apiserver" }, Change(additional: new[] { "GUARD", "kube-apiserver" }).LogCategories);
    }

    // The diagnostic setting beside the cluster.

    private const string ClusterId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/dev-open";

    private static (ResourceChange? Change, List<string> Warnings) PlanSetting(MonitoringChange change, params DiagnosticSetting[] existing)
    {
        var warnings = new List<string>();
        return (change.PlanDiagnosticSetting(ClusterId, Settings(existing), warnings), warnings);
    }

    [Fact]
    public void Without_a_setting_one_is_created_with_the_audit_categories_to_the_workspace()
    {
        var (write, warnings) = PlanSetting(Change());

        Assert.NotNull(write);
        Assert.Equal($"{ClusterId}/providers/Microsoft.Insights/diagnosticSettings/aks-security-audit", write.ResourceId);
        Assert.Equal("2021-05-01-preview", write.ApiVersion);
        Assert.Null(write.Before);
        Assert.Equal(
            $"{{\"properties\":{{\"workspaceId\":\"{Workspace}\",\"logAnalyticsDestinationType\":\"Dedicated\",\"logs\":[{{\"category\":\"kube-audit-admin\",\"enabled\":true}},{{\"category\":\"guard\",\"enabled\":true}}]}}}}",
            write.After!.ToJsonString());
        Assert.Equal(
            $"Create diagnostic setting 'aks-security-audit': {ClusterId}/providers/Microsoft.Insights/diagnosticSettings/aks-security-audit{Environment.NewLine}"
            + $"    properties.workspaceId: (absent) -> \"{Workspace}\"{Environment.NewLine}"
            + $"    properties.logAnalyticsDestinationType: (absent) -> \"Dedicated\"{Environment.NewLine}"
            + "    properties.logs: (absent) -> [{\"category\":\"kube-audit-admin\",\"enabled\":true},{\"category\":\"guard\",\"enabled\":true}]",
            write.Describe());
        Assert.Empty(warnings);
    }

    [Fact]
    public void The_same_setting_again_is_no_write()
    {
        var (write, _) = PlanSetting(Change(), Setting("aks-security-audit", Workspace.ToLowerInvariant(), "guard", "kube-audit-admin"));
        Assert.Null(write);
    }

    [Fact]
    public void A_setting_with_fewer_categories_is_updated_and_the_diff_names_exactly_the_logs()
    {
        var existing = Setting("aks-security-audit", Workspace, "kube-audit-admin", "-guard", "kube-apiserver");
        var (write, _) = PlanSetting(Change(additional: new[] { "cluster-autoscaler" }), existing);

        Assert.NotNull(write);
        Assert.Same(existing.Json, write.Before);
        var lines = write.Describe().Split(Environment.NewLine);
        Assert.Equal($"Update diagnostic setting 'aks-security-audit': {ClusterId}/providers/Microsoft.Insights/diagnosticSettings/aks-security-audit", lines[0]);
        var retention = "\"retentionPolicy\":{\"enabled\":false,\"days\":0}";
        Assert.Equal(new[]
        {
            $"    properties.logs: [{{\"category\":\"kube-audit-admin\",\"enabled\":true,{retention}}},{{\"category\":\"guard\",\"enabled\":false,{retention}}},{{\"category\":\"kube-apiserver\",\"enabled\":true,{retention}}}]"
            + $" -> [{{\"category\":\"kube-audit-admin\",\"enabled\":true,{retention}}},{{\"category\":\"guard\",\"enabled\":true,{retention}}},{{\"category\":\"kube-apiserver\",\"enabled\":true,{retention}}},{{\"category\":\"cluster-autoscaler\",\"enabled\":true}}]",
        }, lines[1..]);
        // Everything else of the setting (id, name, type, destination) goes back as it was.
        Assert.Equal(existing.Json["id"]!.ToJsonString(), write.After!["id"]!.ToJsonString());
    }

    [Fact]
    public void A_setting_that_sends_elsewhere_is_pointed_at_the_workspace_with_a_warning()
    {
        var existing = Setting("aks-security-audit", OtherWorkspace, "kube-audit-admin", "guard");
        existing.Json["properties"]!["logAnalyticsDestinationType"] = "AzureDiagnostics";
        var (write, warnings) = PlanSetting(Change(), existing);

        Assert.Equal(new[]
        {
            $"    properties.workspaceId: \"{OtherWorkspace}\" -> \"{Workspace}\"",
            "    properties.logAnalyticsDestinationType: \"AzureDiagnostics\" -> \"Dedicated\"",
        }, write!.Describe().Split(Environment.NewLine)[1..]);
        Assert.Contains(warnings, w => w.Contains("law-other") && w.Contains("instead"));
    }

    [Fact]
    public void Categories_another_setting_already_sends_to_the_workspace_are_left_out()
    {
        // The built-in DINE policy's setting (name from shared/fixtures/policy/DataConnectorsAzureKubernetes_DINE.json).
        var policySetting = Setting("AzureKubernetesDiagnosticsLogsToWorkspace", Workspace, "guard", "kube-audit");
        var (write, warnings) = PlanSetting(Change(), policySetting);

        Assert.Equal("[{\"category\":\"kube-audit-admin\",\"enabled\":true}]", write!.After!["properties"]!["logs"]!.ToJsonString());
        Assert.Contains(warnings, w => w.StartsWith("guard already goes to workspace law-security through diagnostic setting 'AzureKubernetesDiagnosticsLogsToWorkspace'"));

        var (none, _) = PlanSetting(Change(), Setting("everything", Workspace, "group:allLogs"));
        Assert.Null(none);
    }

    [Fact]
    public void A_setting_to_another_workspace_does_not_count()
    {
        var (write, _) = PlanSetting(Change(), Setting("elsewhere", OtherWorkspace, "kube-audit-admin", "guard"));
        Assert.Equal(2, ((JsonArray)write!.After!["properties"]!["logs"]!).Count);
    }

    [Fact]
    public void Asking_for_kube_audit_warns_about_its_cost()
    {
        var (_, warnings) = PlanSetting(Change(additional: new[] { "kube-audit" }));
        Assert.Contains(warnings, w => w.Contains("get and list"));
    }
}
