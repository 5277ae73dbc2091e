using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Sends a cluster's audit logs and monitoring data to a Log Analytics workspace: Container Insights with managed-identity
/// auth, a diagnostic setting with kube-audit-admin and guard, and (on request) managed Prometheus metrics.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "AksMonitoring", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class EnableAksMonitoringCommand : ChangeClusterCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string WorkspaceResourceId { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DiagnosticSettingName { get; set; } = MonitoringRequest.DefaultDiagnosticSettingName;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LogCategoryCompleter))]
    public string[] AdditionalLogCategory { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter EnablePrometheusMetrics { get; set; }

    [Parameter]
    public SwitchParameter SkipContainerInsights { get; set; }

    internal override IClusterChange CreateChange() => new MonitoringChange(new MonitoringRequest
    {
        WorkspaceResourceId = WorkspaceResourceId,
        DiagnosticSettingName = DiagnosticSettingName,
        AdditionalLogCategories = AdditionalLogCategory,
        ContainerInsights = !SkipContainerInsights,
        PrometheusMetrics = EnablePrometheusMetrics,
    });
}
