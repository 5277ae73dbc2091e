using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Monitoring;
using static AksSecurity.Engine.Tests.TestData.MonitoringDocuments;

namespace AksSecurity.Engine.Tests.Checks;

public class MonitoringChecksTests
{
    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    private static ManagedClusterDocument Monitored()
    {
        var cluster = With("addonProfiles", new JsonObject
        {
            ["omsAgent"] = new JsonObject
            {
                ["enabled"] = true,
                ["config"] = new JsonObject { ["logAnalyticsWorkspaceResourceID"] = Workspace, ["useAADAuth"] = "true" },
            },
        });
        cluster.Root["properties"]!["azureMonitorProfile"] = new JsonObject { ["metrics"] = new JsonObject { ["enabled"] = true } };
        return cluster;
    }

    private static ClusterTestResult Online(ManagedClusterDocument cluster, params DiagnosticSetting[] settings) =>
        MonitoringChecks.Evaluate(new ClusterEvidence(cluster, online: true) { DiagnosticSettings = Settings(settings) });

    [Fact]
    public void Offline_only_the_document_checks_run()
    {
        var result = MonitoringChecks.Evaluate(new ClusterEvidence(Bare(), online: false));

        Assert.Equal(new[] { "AKS-MON-001", "AKS-MON-006" }, result.ChecksRun);
        Assert.Equal(new[] { "AKS-MON-001", "AKS-MON-006" }, Ids(result));
        var insights = result.Findings[0];
        Assert.Equal(Severity.Medium, insights.Severity);
        Assert.Equal("properties.addonProfiles.omsagent.enabled", insights.JsonPath);
        Assert.StartsWith("Enable-AksMonitoring -Id '/subscriptions/", insights.Remediation);
        var metrics = result.Findings[1];
        Assert.Equal(Severity.Low, metrics.Severity);
        Assert.Contains("-EnablePrometheusMetrics", metrics.Remediation);
        Assert.Equal("properties.azureMonitorProfile.metrics.enabled", metrics.JsonPath);
    }

    [Fact]
    public void A_monitored_cluster_with_the_audit_setting_passes_everything()
    {
        var result = Online(Monitored(), Setting("aks-security-audit", Workspace, "kube-audit-admin", "guard"));

        Assert.True(result.Passed, string.Join("; ", result.Findings));
        Assert.Equal(new[] { "AKS-MON-001", "AKS-MON-002", "AKS-MON-003", "AKS-MON-004", "AKS-MON-005", "AKS-MON-006" }, result.ChecksRun.Order());
    }

    [Fact]
    public void No_setting_is_one_high_finding_instead_of_three()
    {
        var result = Online(Monitored(), Setting("nowhere", null, "kube-audit-admin", "guard"));

        var finding = Assert.Single(result.Findings);
        Assert.Equal("AKS-MON-002", finding.CheckId);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("'nowhere'", finding.Evidence);
        Assert.DoesNotContain("AKS-MON-003", result.ChecksRun);
    }

    [Fact]
    public void Missing_audit_and_guard_logs_are_separate_findings()
    {
        var result = Online(Monitored(), Setting("control-plane", Workspace, "kube-apiserver", "-kube-audit-admin"));

        Assert.Equal(new[] { "AKS-MON-003", "AKS-MON-004" }, Ids(result));
        Assert.Equal(Severity.High, result.Findings[0].Severity);
        Assert.Equal(Severity.Medium, result.Findings[1].Severity);
        Assert.Equal("properties.logs", result.Findings[0].JsonPath);
        Assert.Contains("kube-audit-admin or kube-audit", result.Findings[0].Evidence);
    }

    [Fact]
    public void Kube_audit_alone_satisfies_the_audit_check_but_costs_a_low_finding()
    {
        var result = Online(Monitored(), Setting("full-audit", Workspace, "kube-audit", "guard"));

        var finding = Assert.Single(result.Findings);
        Assert.Equal("AKS-MON-005", finding.CheckId);
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Contains("diagnostic setting 'full-audit' sends kube-audit", finding.Evidence);
        Assert.Contains("'full-audit'", finding.Remediation);
    }

    [Fact]
    public void AllLogs_counts_for_every_category_including_the_costly_one()
    {
        var result = Online(Monitored(), Setting("everything", Workspace, "group:allLogs"));
        var finding = Assert.Single(result.Findings);
        Assert.Equal("AKS-MON-005", finding.CheckId);
        Assert.Contains("(categoryGroup allLogs)", finding.Evidence);
    }

    [Fact]
    public void A_group_whose_members_are_unknown_is_not_counted_and_the_evidence_says_so()
    {
        var result = Online(Monitored(), Setting("audit-group", Workspace, "group:audit"));
        Assert.Equal(new[] { "AKS-MON-003", "AKS-MON-004" }, Ids(result));
        Assert.Contains("categoryGroup audit not counted", result.Findings[0].Evidence);
    }
}
