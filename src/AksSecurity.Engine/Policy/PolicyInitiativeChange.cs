using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Policy;

/// <summary>What Set-AksPolicyInitiative was asked to do. Null parameters mean "leave as the assignment has it".</summary>
public sealed class PolicyInitiativeRequest
{
    /// <summary>"Baseline" or "Restricted".</summary>
    public string Initiative { get; init; } = PodSecurityInitiative.BaselineName;

    /// <summary>Audit, Deny or Disabled (any case the initiative allows).</summary>
    public string? Effect { get; init; }

    public IReadOnlyList<string>? ExcludedNamespaces { get; init; }

    /// <summary>Namespaces to limit the initiative to; an empty list means every namespace.</summary>
    public IReadOnlyList<string>? Namespaces { get; init; }

    public IReadOnlyList<string>? AllowedCapabilities { get; init; }
    public IReadOnlyList<string>? RequiredDropCapabilities { get; init; }

    /// <summary>Delete the cluster's assignment of the initiative instead.</summary>
    public bool Remove { get; init; }

    /// <summary>Skip the guard against denying pods in kube-system.</summary>
    public bool Force { get; init; }
}

/// <summary>
/// Assigns a pod security initiative at a cluster's scope: turns the azurepolicy add-on on when it is off (a cluster
/// edit), then creates or updates one assignment of the initiative (a write beside the cluster). Parameters are checked
/// against the initiative's own definition before anything is sent. The assignment is found again on re-runs by its
/// stable name, or by its definition id at the cluster's scope, so it is updated rather than added twice.
/// </summary>
public sealed class PolicyInitiativeChange : IClusterChange
{
    public const string AddonName = "azurepolicy";
    public const string KubeSystem = "kube-system";
    public const string Effect = "effect";
    public const string ExcludedNamespaces = "excludedNamespaces";
    public const string Namespaces = "namespaces";
    public const string AllowedCapabilities = "allowedCapabilities";
    public const string RequiredDropCapabilities = "requiredDropCapabilities";

    /// <summary>Which cmdlet parameter sets which initiative parameter, for messages.</summary>
    private static readonly Dictionary<string, string> CmdletParameter = new(StringComparer.OrdinalIgnoreCase)
    {
        [Effect] = "Effect",
        [ExcludedNamespaces] = "ExcludedNamespace",
        [Namespaces] = "Namespace",
        [AllowedCapabilities] = "AllowedCapability",
        [RequiredDropCapabilities] = "RequiredDropCapability",
    };

    private readonly PolicyInitiativeRequest _request;
    private readonly PodSecurityInitiative _initiative;
    private readonly PodSecurityInitiative _other;
    private readonly List<KeyValuePair<string, JsonNode>> _parameters = new();

    /// <summary>Validates everything that can be checked without the cluster; throws InvalidArgument before anything is sent.</summary>
    public PolicyInitiativeChange(PolicyInitiativeRequest request)
    {
        _request = request;
        _initiative = PodSecurityInitiative.FromName(request.Initiative);
        _other = _initiative == PodSecurityInitiative.Baseline ? PodSecurityInitiative.Restricted : PodSecurityInitiative.Baseline;

        var given = new (string Name, object? Value)[]
        {
            (Effect, request.Effect), (ExcludedNamespaces, request.ExcludedNamespaces), (Namespaces, request.Namespaces),
            (AllowedCapabilities, request.AllowedCapabilities), (RequiredDropCapabilities, request.RequiredDropCapabilities),
        }.Where(p => p.Value is not null).ToList();
        if (request.Remove && given.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"-Remove deletes the assignment; it cannot be combined with -{string.Join(", -", given.Select(p => CmdletParameter[p.Name]))}.", "Remove");
        }

        if (request.Effect is { } effect)
        {
            Add(Effect, JsonValue.Create(CanonicalEffect(effect)));
        }

        if (request.ExcludedNamespaces is { } excluded)
        {
            Add(ExcludedNamespaces, StringArray(ValidNamespaces(excluded, ExcludedNamespaces)));
        }

        if (request.Namespaces is { } namespaces)
        {
            Add(Namespaces, StringArray(ValidNamespaces(namespaces, Namespaces)));
        }

        if (request.AllowedCapabilities is { } allowed)
        {
            Add(AllowedCapabilities, StringArray(ValidCapabilities(allowed, AllowedCapabilities, wildcard: "*")));
        }

        if (request.RequiredDropCapabilities is { } drop)
        {
            Add(RequiredDropCapabilities, StringArray(ValidCapabilities(drop, RequiredDropCapabilities, wildcard: "ALL")));
        }

        ValidateAgainstDefinition(_initiative, _parameters);
    }

    /// <summary>The initiative parameters this change writes, validated and in the spelling that is sent.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonNode>> Parameters => _parameters;

    public string Action => _request.Remove
        ? $"Remove the {_initiative.Name} pod security initiative"
        : $"Assign the {_initiative.Name} pod security initiative";

    /// <summary>The cluster edit: the azurepolicy add-on on, keeping the key as the document spells it.</summary>
    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var plan = new ChangePlan();
        if (!_request.Remove && !current.View.AzurePolicyAddonEnabled)
        {
            plan.Set(current.Root, current.View.AzurePolicyAddonEnabledPath, JsonValue.Create(true));
        }

        return plan;
    }

    public async Task<IReadOnlyList<ResourceChange>> PlanResourcesAsync(ArmResources arm, ManagedClusterDocument current, ChangePlan clusterPlan,
        IOperationSink sink, CancellationToken cancellationToken)
    {
        var applying = await PolicyAssignment.ListApplyingToAsync(arm, current.View.Id, sink, cancellationToken).ConfigureAwait(false);
        return PlanResources(current, applying, clusterPlan);
    }

    /// <summary>The assignment writes, given every assignment that applies to the cluster (its scope and its ancestors').</summary>
    public IReadOnlyList<ResourceChange> PlanResources(ManagedClusterDocument current, IReadOnlyList<PolicyAssignment> applying, ChangePlan clusterPlan)
    {
        var clusterId = current.View.Id;
        var atCluster = applying.Where(a => a.IsAtScope(clusterId)).ToList();
        var changes = new List<ResourceChange>();
        var managed = ManagedAssignment(atCluster, _initiative);

        if (_request.Remove)
        {
            if (managed is not null)
            {
                changes.Add(new ResourceChange(managed.Id, PolicyAssignment.ApiVersion, Describe(managed.Name, _initiative), managed.Document, null));
            }

            foreach (var inherited in applying.Where(a => a.Initiative == _initiative && !a.IsAtScope(clusterId)))
            {
                clusterPlan.Warnings.Add($"The {_initiative.Name} initiative still applies to the cluster through assignment '{inherited.Name}' at scope {inherited.Scope}, which this cmdlet does not change.");
            }

            return changes;
        }

        var desired = Desired(managed, clusterId);
        GuardKubeSystem(managed, new PolicyAssignment(desired), current.View.Name, clusterPlan);
        if (managed is null || !JsonPaths.DeepEquals(managed.Document, desired))
        {
            changes.Add(new ResourceChange(managed?.Id ?? PolicyAssignment.IdAt(clusterId, _initiative.AssignmentName), PolicyAssignment.ApiVersion,
                Describe(managed?.Name ?? _initiative.AssignmentName, _initiative), managed?.Document, desired));
        }

        foreach (var duplicate in atCluster.Where(a => a.Initiative == _initiative && a != managed))
        {
            clusterPlan.Warnings.Add($"Policy assignment '{duplicate.Name}' also assigns the {_initiative.Name} initiative at the cluster's scope; both apply. This cmdlet changes only '{managed?.Name ?? _initiative.AssignmentName}'.");
        }

        PlanSwitch(atCluster, new PolicyAssignment(desired), changes, clusterPlan);
        return changes;
    }

    /// <summary>
    /// One pod security initiative at the cluster's scope: this module's assignment of the other initiative is deleted
    /// (and the what-if says so); assignments of it made by others are left, with a warning.
    /// </summary>
    private void PlanSwitch(IReadOnlyList<PolicyAssignment> atCluster, PolicyAssignment desired, List<ResourceChange> changes, ChangePlan clusterPlan)
    {
        foreach (var other in atCluster.Where(a => a.Initiative == _other))
        {
            if (!string.Equals(other.Name, _other.AssignmentName, StringComparison.OrdinalIgnoreCase))
            {
                clusterPlan.Warnings.Add($"Policy assignment '{other.Name}' assigns the {_other.Name} initiative at the cluster's scope too. It was not made by this module and is left in place: both initiatives apply.");
                continue;
            }

            changes.Add(new ResourceChange(other.Id, PolicyAssignment.ApiVersion, Describe(other.Name, _other), other.Document, null));
            var weaker = _initiative == PodSecurityInitiative.Baseline ? " Baseline is the looser standard: pods that only the restricted rules refuse are then allowed." : "";
            clusterPlan.Warnings.Add($"The {_initiative.Name} assignment replaces this module's {_other.Name} assignment '{other.Name}', which is deleted.{weaker}");
            if (other.EnforcesDeny && !desired.EnforcesDeny)
            {
                clusterPlan.Warnings.Add($"'{other.Name}' denies non-compliant pods (effect {other.Effect}); the new assignment has effect {desired.Effect}, so they are no longer refused.");
            }
        }
    }

    private JsonObject Desired(PolicyAssignment? managed, string clusterId)
    {
        JsonObject desired;
        var parameters = _parameters.ToList();
        if (managed is null)
        {
            desired = new JsonObject
            {
                ["properties"] = new JsonObject
                {
                    ["displayName"] = $"{_initiative.DisplayName} ({clusterId.Split('/').Last()})",
                    ["description"] = $"Assigned by AksSecurity (Set-AksPolicyInitiative) at the scope of the cluster.",
                    ["policyDefinitionId"] = _initiative.PolicySetDefinitionId,
                    ["enforcementMode"] = "Default",
                    ["metadata"] = new JsonObject { ["assignedBy"] = "AksSecurity" },
                    ["parameters"] = new JsonObject(),
                },
            };

            // A new assignment states its effect, so the what-if shows what it will do.
            if (!parameters.Any(p => p.Key == Effect) && _initiative.DefaultOf(Effect) is { } defaultEffect)
            {
                parameters.Insert(0, new(Effect, defaultEffect.DeepClone()));
            }
        }
        else
        {
            desired = (JsonObject)managed.Document.DeepClone();
            if (!managed.Enforced)
            {
                // DoNotEnforce would make the effect a report only; this cmdlet's purpose is the effect asked for.
                JsonPaths.Set(desired, PolicyAssignment.EnforcementModePath, JsonValue.Create("Default"));
            }
        }

        foreach (var (name, value) in parameters)
        {
            var path = $"{PolicyAssignment.ParametersPath}.{name}";
            if (!SameValue(JsonPaths.Get(desired, path + ".value"), value))
            {
                JsonPaths.Set(desired, path, new JsonObject { ["value"] = value.DeepClone() });
            }
        }

        return desired;
    }

    /// <summary>Deny in kube-system can stop the cluster's own pods: refused unless -Force when this change brings it in.</summary>
    private void GuardKubeSystem(PolicyAssignment? before, PolicyAssignment after, string clusterName, ChangePlan clusterPlan)
    {
        if (!after.Denies(KubeSystem))
        {
            return;
        }

        if (before?.Denies(KubeSystem) == true)
        {
            clusterPlan.Warnings.Add($"The {_initiative.Name} assignment on '{clusterName}' keeps effect Deny in {KubeSystem}: system pods that break its rules are refused.");
            return;
        }

        var message = $"Effect Deny without {KubeSystem} among the excluded namespaces would let the {_initiative.Name} initiative refuse system pods of '{clusterName}' "
            + $"({KubeSystem} holds CoreDNS, kube-proxy, the CNI and CSI drivers and the policy add-on itself) that break its rules, which can stop the cluster working. "
            + $"Keep {KubeSystem} in -ExcludedNamespace, or use -Force if you have checked that every system pod complies.";
        if (!_request.Force)
        {
            throw new AksSecurityException(AksErrorKind.LockoutRisk, message, "ExcludedNamespace");
        }

        clusterPlan.Warnings.Add($"-Force: effect Deny applies in {KubeSystem} of '{clusterName}'; system pods that break the {_initiative.Name} rules are refused.");
    }

    /// <summary>The cluster-scope assignment of the initiative to update: ours by name, else the first one by name.</summary>
    private static PolicyAssignment? ManagedAssignment(IEnumerable<PolicyAssignment> atCluster, PodSecurityInitiative initiative) =>
        atCluster.Where(a => a.Initiative == initiative)
            .OrderBy(a => string.Equals(a.Name, initiative.AssignmentName, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
            .FirstOrDefault();

    private static string Describe(string name, PodSecurityInitiative initiative) => $"policy assignment '{name}' ({initiative.Name} pod security initiative)";

    /// <summary>Values equal for the service's purpose: effect in any case, lists in any order.</summary>
    private static bool SameValue(JsonNode? existing, JsonNode wanted) => (existing, wanted) switch
    {
        (JsonValue a, JsonValue b) when a.TryGetValue<string>(out var x) && b.TryGetValue<string>(out var y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase),
        (JsonArray a, JsonArray b) => Strings(a).ToHashSet(StringComparer.Ordinal).SetEquals(Strings(b)) && a.Count == b.Count,
        _ => JsonPaths.DeepEquals(existing, wanted),
    };

    private static IEnumerable<string> Strings(JsonArray array) => array.Select(n => n?.ToJsonString() ?? "null");

    private void Add(string name, JsonNode value) => _parameters.Add(new(name, value));

    /// <summary>The spelling of the effect the initiative lists (it allows "Deny" and "deny"; we send the capitalised one).</summary>
    private string CanonicalEffect(string effect) =>
        _initiative.Parameter(Effect)?.AllowedValues
            .Where(v => string.Equals(v, effect, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Length > 0 && char.IsUpper(v[0]) ? 0 : 1)
            .FirstOrDefault() ?? effect;

    private static List<string> ValidNamespaces(IReadOnlyList<string> names, string parameter)
    {
        var bad = names.Where(n => !KubernetesNames.IsNamespace(n)).ToList();
        if (bad.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"{string.Join(", ", bad.Select(b => $"'{b}'"))} {(bad.Count == 1 ? "is not a Kubernetes namespace name" : "are not Kubernetes namespace names")} "
                + "(DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters).",
                CmdletParameter[parameter]);
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> ValidCapabilities(IReadOnlyList<string> names, string parameter, string wildcard)
    {
        var valid = new List<string>();
        var bad = new List<string>();
        foreach (var name in names)
        {
            var capability = string.Equals(name, wildcard, StringComparison.OrdinalIgnoreCase) ? wildcard : KubernetesNames.Capability(name);
            if (capability is null)
            {
                bad.Add(name);
            }
            else if (!valid.Contains(capability))
            {
                valid.Add(capability);
            }
        }

        if (bad.Count > 0)
        {
            var prefixed = bad.FirstOrDefault(b => b.StartsWith("CAP_", StringComparison.OrdinalIgnoreCase) && KubernetesNames.Capability(b[4..]) is not null);
            var hint = prefixed is null ? "" : $" Kubernetes writes capabilities without the CAP_ prefix: '{prefixed[4..].ToUpperInvariant()}', not '{prefixed}'.";
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"{string.Join(", ", bad.Select(b => $"'{b}'"))} {(bad.Count == 1 ? "is not a Linux capability" : "are not Linux capabilities")}. "
                + $"Use names such as NET_BIND_SERVICE or SYS_ADMIN, or '{wildcard}'.{hint}",
                CmdletParameter[parameter]);
        }

        return valid;
    }

    /// <summary>Each parameter must be one the initiative declares, of its type, and among its allowed values when it lists them.</summary>
    private static void ValidateAgainstDefinition(PodSecurityInitiative initiative, IEnumerable<KeyValuePair<string, JsonNode>> parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var cmdletParameter = CmdletParameter.GetValueOrDefault(name, name);
            var definition = initiative.Parameter(name)
                ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"The {initiative.Name} initiative has no parameter '{name}' (it has {string.Join(", ", initiative.Parameters.Select(p => p.Name))}), so -{cmdletParameter} does not apply to it."
                    + (name is AllowedCapabilities or RequiredDropCapabilities ? " Capability lists are parameters of the Restricted initiative; Baseline fixes its own list." : ""),
                    cmdletParameter);

            var fits = definition.Type.ToLowerInvariant() switch
            {
                "string" => value is JsonValue v && v.TryGetValue<string>(out _),
                "array" => value is JsonArray,
                "object" => value is JsonObject,
                _ => true,
            };
            if (!fits)
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Parameter '{name}' of the {initiative.Name} initiative takes a {definition.Type}.", cmdletParameter);
            }

            if (definition.AllowedValues.Count > 0 && value is JsonValue text && text.TryGetValue<string>(out var s) && !definition.AllowedValues.Contains(s, StringComparer.Ordinal))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"'{s}' is not an allowed value of parameter '{name}' of the {initiative.Name} initiative: use {string.Join(", ", definition.AllowedValues.Where(a => a.Length > 0 && char.IsUpper(a[0])))}.",
                    cmdletParameter);
            }
        }
    }

    private static JsonArray StringArray(IEnumerable<string> items) => new(items.Select(i => (JsonNode)JsonValue.Create(i)).ToArray());
}
