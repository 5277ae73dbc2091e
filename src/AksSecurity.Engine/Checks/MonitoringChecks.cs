using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Monitoring;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Checks of monitoring and audit logs. Container Insights and Prometheus metrics are read from the cluster document;
/// the audit-log checks need the cluster's diagnostic settings, so they run online only.
/// </summary>
public static class MonitoringChecks
{
    public const string ContainerInsightsOff = "AKS-MON-001";
    public const string NoDiagnosticSetting = "AKS-MON-002";
    public const string AuditLogMissing = "AKS-MON-003";
    public const string GuardLogMissing = "AKS-MON-004";
    public const string KubeAuditInsteadOfAdmin = "AKS-MON-005";
    public const string PrometheusMetricsOff = "AKS-MON-006";

    public static ClusterTestResult Evaluate(ClusterEvidence evidence)
    {
        var run = new CheckRun(evidence);
        var view = run.View;
        var enable = $"Enable-AksMonitoring -Id '{view.Id}' -WorkspaceResourceId <workspace resource id>";

        run.Ran(ContainerInsightsOff);
        if (!view.ContainerInsightsEnabled)
        {
            run.Fail(ContainerInsightsOff, Severity.Medium, "Container Insights is off",
                $"{ManagedClusterView.ContainerInsightsPath}.enabled is not true: container logs, Kubernetes events and node and pod health are not collected.",
                enable, ManagedClusterView.ContainerInsightsPath + ".enabled");
        }

        if (evidence.DiagnosticSettings is { } diagnostics)
        {
            CheckAuditLogs(run, diagnostics, enable);
        }

        run.Ran(PrometheusMetricsOff);
        if (!view.PrometheusMetricsEnabled)
        {
            run.Fail(PrometheusMetricsOff, Severity.Low, "Managed Prometheus metrics are off",
                $"{ManagedClusterView.PrometheusMetricsPath} is not true: no Prometheus metrics of the cluster reach Azure Monitor.",
                enable + " -EnablePrometheusMetrics (with a data collection rule to an Azure Monitor workspace)", ManagedClusterView.PrometheusMetricsPath);
        }

        return run.Result();
    }

    private static void CheckAuditLogs(CheckRun run, ClusterDiagnosticSettings diagnostics, string enable)
    {
        const string logsPath = DiagnosticSetting.LogsPath;
        run.Ran(NoDiagnosticSetting);
        if (diagnostics.SendingLogs.Count == 0)
        {
            var evidence = diagnostics.Settings.Count == 0
                ? "The cluster has no diagnostic setting (Microsoft.Insights/diagnosticSettings)"
                : $"The cluster's diagnostic settings ({string.Join(", ", diagnostics.Settings.Select(s => $"'{s.Name}'"))}) enable no log category in {logsPath} for a workspace, storage account, event hub or partner destination";
            run.Fail(NoDiagnosticSetting, Severity.High, "No diagnostic setting sends the cluster's logs anywhere",
                $"{evidence}: the control plane's logs, its audit log among them, are kept nowhere.", enable, logsPath);
            return;
        }

        run.Ran(AuditLogMissing, GuardLogMissing, KubeAuditInsteadOfAdmin);
        var unresolved = diagnostics.UnresolvedGroups.Count == 0
            ? ""
            : $" (categoryGroup {string.Join(", ", diagnostics.UnresolvedGroups)} not counted: its categories could not be read)";
        var auditRoutes = diagnostics.RoutesOf(AksLogCategories.KubeAuditAdmin).Concat(diagnostics.RoutesOf(AksLogCategories.KubeAudit)).ToArray();
        if (auditRoutes.Length == 0)
        {
            run.Fail(AuditLogMissing, Severity.High, "The Kubernetes audit log is not collected",
                $"No diagnostic setting enables {AksLogCategories.KubeAuditAdmin} or {AksLogCategories.KubeAudit} in {logsPath}{unresolved}: changes made through the API server leave no trace.",
                enable, logsPath);
        }

        if (diagnostics.RoutesOf(AksLogCategories.Guard).Count == 0)
        {
            run.Fail(GuardLogMissing, Severity.Medium, "The Entra ID and Azure RBAC authorization log (guard) is not collected",
                $"No diagnostic setting enables {AksLogCategories.Guard} in {logsPath}{unresolved}: who was allowed or denied through Entra ID and Azure RBAC is not recorded.",
                enable, logsPath);
        }

        foreach (var route in diagnostics.RoutesOf(AksLogCategories.KubeAudit))
        {
            run.Fail(KubeAuditInsteadOfAdmin, Severity.Low, "kube-audit is collected where kube-audit-admin would do",
                $"{route.Describe()} sends {AksLogCategories.KubeAudit}, which records every get and list request as well: usually many times the volume and cost of {AksLogCategories.KubeAuditAdmin}, which records every change.",
                $"Unless you need read events, replace {AksLogCategories.KubeAudit} with {AksLogCategories.KubeAuditAdmin} in diagnostic setting '{route.Setting.Name}' (az monitor diagnostic-settings update, or the portal); {enable} adds {AksLogCategories.KubeAuditAdmin} in a setting of its own.",
                logsPath);
        }
    }
}
