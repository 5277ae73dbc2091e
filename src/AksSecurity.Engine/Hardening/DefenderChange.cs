using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Defender;
using AksSecurity.Engine.Monitoring;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// Turns on the Microsoft Defender sensor of a cluster (securityProfile.defender.securityMonitoring) with the workspace
/// it reports to. The subscription's Defender for Containers plan is read and reported, never changed: turning it on
/// bills every cluster of the subscription, which is not a per-cluster decision this cmdlet should take.
/// </summary>
public sealed class DefenderChange : IClusterChange
{
    private readonly WorkspaceExistenceCheck _workspaceCheck;
    private readonly Dictionary<string, DefenderForContainersPlan?> _plans = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Validates the workspace id; throws InvalidArgument before anything is sent.</summary>
    public DefenderChange(string workspaceResourceId)
    {
        Workspace = LogAnalyticsWorkspaceId.Parse(workspaceResourceId, "WorkspaceResourceId");
        _workspaceCheck = new WorkspaceExistenceCheck(Workspace);
    }

    public string Action => "Enable the Defender sensor";

    public LogAnalyticsWorkspaceId Workspace { get; }

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();
        if (!view.DefenderSensorEnabled)
        {
            plan.Set(current.Root, ManagedClusterView.DefenderSensorPath, JsonValue.Create(true));
        }

        var oldWorkspace = view.DefenderWorkspaceId;
        if (!Workspace.Matches(oldWorkspace))
        {
            if (view.DefenderSensorEnabled && !string.IsNullOrEmpty(oldWorkspace))
            {
                plan.Warnings.Add($"The Defender sensor of '{view.Name}' reports to workspace {oldWorkspace} now; it will report to {Workspace.Id} instead.");
            }

            plan.Set(current.Root, ManagedClusterView.DefenderWorkspacePath, JsonValue.Create(Workspace.Id));
        }

        return plan;
    }

    public async Task<IReadOnlyList<ResourceChange>> PlanResourcesAsync(ArmResources arm, ManagedClusterDocument current, ChangePlan clusterPlan,
        IOperationSink sink, CancellationToken cancellationToken)
    {
        await _workspaceCheck.EnsureExistsAsync(arm, sink, cancellationToken).ConfigureAwait(false);
        var subscription = current.View.SubscriptionId;
        if (!_plans.TryGetValue(subscription, out var plan))
        {
            plan = await ReadPlanAsync(arm, subscription, sink, cancellationToken).ConfigureAwait(false);
            _plans[subscription] = plan;
        }

        if (plan is { IsOn: false })
        {
            clusterPlan.Warnings.Add(PlanOffWarning(plan));
        }

        return Array.Empty<ResourceChange>();
    }

    internal static string PlanOffWarning(DefenderForContainersPlan plan) =>
        $"The Defender for Containers plan of subscription {plan.SubscriptionId} is off (pricingTier {plan.PricingTier}): without it Defender for Cloud raises no "
        + "runtime alerts from what the sensor collects. Turning the plan on bills every cluster of the subscription, so this cmdlet does not do it: "
        + $"az security pricing create --name Containers --tier Standard --subscription {plan.SubscriptionId}, or Defender for Cloud > Environment settings.";

    private static async Task<DefenderForContainersPlan?> ReadPlanAsync(ArmResources arm, string subscription, IOperationSink sink, CancellationToken cancellationToken)
    {
        try
        {
            return await DefenderForContainersPlan.ReadAsync(arm, subscription, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (AksSecurityException ex) when (ex.Kind == AksErrorKind.PermissionDenied)
        {
            // Reading the plan needs Microsoft.Security/pricings/read; the sensor itself does not.
            sink.Warning($"The Defender for Containers plan of subscription {subscription} could not be read: {ex.Message}");
            return null;
        }
    }
}
