using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Defender;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Checks of Microsoft Defender for Containers: the sensor is read from the cluster document; the subscription's plan
/// is read beside it online, so the checks that compare the two run online only.
/// </summary>
public static class DefenderChecks
{
    public const string SensorOff = "AKS-DEF-001";
    public const string SensorWithoutPlan = "AKS-DEF-002";
    public const string PlanWithoutSensor = "AKS-DEF-003";

    public static ClusterTestResult Evaluate(ClusterEvidence evidence)
    {
        var run = new CheckRun(evidence);
        var view = run.View;
        var enable = $"Enable-AksDefender -Id '{view.Id}' -WorkspaceResourceId <workspace resource id>";
        const string sensorPath = ManagedClusterView.DefenderSensorPath;

        run.Ran(SensorOff);
        if (!view.DefenderSensorEnabled)
        {
            run.Fail(SensorOff, Severity.Medium, "The Defender sensor is off",
                $"{sensorPath} is not true: no runtime security events of the cluster (process, network and Kubernetes audit signals) reach Microsoft Defender for Cloud.",
                enable, sensorPath);
        }

        if (evidence.DefenderPlan is { } plan)
        {
            run.Ran(SensorWithoutPlan, PlanWithoutSensor);
            var planEvidence = $"{DefenderForContainersPlan.ResourceId(plan.SubscriptionId)} has {DefenderForContainersPlan.PricingTierPath} '{plan.PricingTier}'";
            if (view.DefenderSensorEnabled && !plan.IsOn)
            {
                run.Fail(SensorWithoutPlan, Severity.Medium, "The Defender sensor runs without the Defender for Containers plan",
                    $"{sensorPath} is true, but {planEvidence}: Defender for Cloud raises no runtime alerts from what the sensor collects.",
                    $"Turn on the plan for subscription {plan.SubscriptionId} (a subscription-wide billing change this module does not make): az security pricing create --name Containers --tier Standard --subscription {plan.SubscriptionId}",
                    DefenderForContainersPlan.PricingTierPath);
            }

            if (!view.DefenderSensorEnabled && plan.IsOn)
            {
                run.Fail(PlanWithoutSensor, Severity.Medium, "The subscription pays for Defender for Containers, but this cluster has no sensor",
                    $"{planEvidence}, but {sensorPath} is not true: the plan covers the cluster without runtime threat detection in it"
                    + (plan.SensorAutoProvisioning == false ? $" (the plan's {DefenderForContainersPlan.SensorExtension} extension, which would deploy it, is off)." : "."),
                    enable, sensorPath);
            }
        }

        return run.Result();
    }
}
