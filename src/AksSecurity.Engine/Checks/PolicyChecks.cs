using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Policy;

namespace AksSecurity.Engine.Checks;

/// <summary>Settings of the Azure Policy checks: what the organisation requires.</summary>
public sealed class PolicyCheckOptions
{
    /// <summary>"Audit" (non-compliant pods are reported) or "Deny" (they are refused).</summary>
    public string RequiredEffect { get; init; } = "Audit";

    /// <summary>"Baseline" (either initiative will do) or "Restricted".</summary>
    public string RequiredInitiative { get; init; } = PodSecurityInitiative.BaselineName;
}

/// <summary>
/// Checks of pod security through Azure Policy: the add-on (from the cluster document, also offline) and, online,
/// the assignments that apply to the cluster at its own scope, its resource group, subscription or management groups.
/// </summary>
public static class PolicyChecks
{
    public const string AddonOff = "AKS-POL-001";
    public const string NoPodSecurityInitiative = "AKS-POL-002";
    public const string EffectWeakerThanRequired = "AKS-POL-003";
    public const string RestrictedRequired = "AKS-POL-004";

    private static readonly string[] Effects = { "Disabled", "Audit", "Deny" };

    public static ClusterTestResult Evaluate(ClusterEvidence evidence, PolicyCheckOptions? options = null)
    {
        options ??= new PolicyCheckOptions();
        var required = PodSecurityInitiative.FromName(options.RequiredInitiative);
        var requiredEffect = Array.FindIndex(Effects, e => string.Equals(e, options.RequiredEffect, StringComparison.OrdinalIgnoreCase));
        if (requiredEffect < 1)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Required effect '{options.RequiredEffect}' must be Audit or Deny.", "RequiredEffect");
        }

        var run = new CheckRun(evidence);
        var view = run.View;
        var fix = $"Set-AksPolicyInitiative -Id '{view.Id}' -Initiative {required.Name} -Effect {Effects[requiredEffect]}";

        run.Ran(AddonOff);
        if (!view.AzurePolicyAddonEnabled)
        {
            var path = view.AzurePolicyAddonEnabledPath;
            run.Fail(AddonOff, Severity.High, "Azure Policy add-on is off",
                $"{path} is {JsonPaths.Display(JsonPaths.Get(evidence.Cluster.Root, path))}: no policy assignment is enforced or audited inside the cluster.",
                $"{fix} (turns the add-on on first)", path);
        }

        // Assignments live beside the cluster: offline they are unknown, so those checks do not run.
        if (evidence.PolicyAssignments is not { } assignments)
        {
            return run.Result();
        }

        run.Ran(NoPodSecurityInitiative);
        var podSecurity = assignments.Where(a => a.Initiative is not null).ToList();
        if (podSecurity.Count == 0)
        {
            run.Fail(NoPodSecurityInitiative, Severity.High, "No pod security initiative is assigned",
                $"None of the {assignments.Count} policy assignment(s) that apply to the cluster (at its scope, resource group, subscription or management groups) has "
                + $"{PolicyAssignment.DefinitionIdPath} {PodSecurityInitiative.Baseline.PolicySetDefinitionId} (Baseline) or {PodSecurityInitiative.Restricted.PolicySetDefinitionId} (Restricted).",
                fix);
            return run.Result();
        }

        var restricted = podSecurity.Where(a => a.Initiative == PodSecurityInitiative.Restricted).ToList();
        if (required == PodSecurityInitiative.Restricted)
        {
            run.Ran(RestrictedRequired);
            if (restricted.Count == 0)
            {
                run.Fail(RestrictedRequired, Severity.Medium, "Baseline pod security is assigned where Restricted is required",
                    $"Only the Baseline initiative applies ({string.Join("; ", podSecurity.Select(Describe))}); {PolicyAssignment.DefinitionIdPath} {PodSecurityInitiative.Restricted.PolicySetDefinitionId} (Restricted) is required.",
                    fix);
            }
        }

        // The effect that counts is the strongest among assignments of the required level (any, if none is).
        run.Ran(EffectWeakerThanRequired);
        var candidates = required == PodSecurityInitiative.Restricted && restricted.Count > 0 ? restricted : podSecurity;
        if (candidates.Max(Strength) < requiredEffect)
        {
            run.Fail(EffectWeakerThanRequired, Severity.Medium,
                requiredEffect == 2 ? "Pod security initiative only audits where Deny is required" : "Pod security initiative is disabled",
                $"{string.Join("; ", candidates.Select(Describe))}; effect {Effects[requiredEffect]} is required.",
                fix);
        }

        return run.Result();
    }

    /// <summary>0 Disabled, 1 Audit (or Deny not enforced), 2 Deny enforced.</summary>
    private static int Strength(PolicyAssignment assignment) => assignment.Effect?.ToLowerInvariant() switch
    {
        "deny" => assignment.Enforced ? 2 : 1,
        "audit" => 1,
        _ => 0,
    };

    private static string Describe(PolicyAssignment a) =>
        $"'{a.Name}' ({a.Initiative!.Name}) at {a.Scope}: {PolicyAssignment.ParametersPath}.effect.value is {JsonPaths.Display(a.ParameterValue("effect"))}"
        + (a.ParameterValue("effect") is null ? $" (default {a.Effect})" : "")
        + $", {PolicyAssignment.EnforcementModePath} is {a.EnforcementMode}";
}
