using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Policy;

/// <summary>
/// Read view of a policy assignment document (Microsoft.Authorization/policyAssignments, api-version 2025-01-01,
/// shape of shared/fixtures/arm/policy/getPolicyAssignment.json). Reads are case-insensitive.
/// </summary>
public sealed class PolicyAssignment
{
    public const string ApiVersion = "2025-01-01";
    public const string ProviderSegment = "/providers/Microsoft.Authorization/policyAssignments";
    public const string ParametersPath = "properties.parameters";
    public const string EnforcementModePath = "properties.enforcementMode";
    public const string DefinitionIdPath = "properties.policyDefinitionId";

    public PolicyAssignment(JsonObject document)
    {
        Document = document;
        Initiative = PodSecurityInitiative.ForDefinitionId(PolicyDefinitionId);
    }

    public JsonObject Document { get; }

    public string Id => JsonPaths.GetString(Document, "id") ?? "";
    public string Name => JsonPaths.GetString(Document, "name") ?? Id.Split('/').Last();
    public string? PolicyDefinitionId => JsonPaths.GetString(Document, DefinitionIdPath);

    /// <summary>Where the assignment applies: properties.scope, or the id before /providers/Microsoft.Authorization/policyAssignments.</summary>
    public string Scope
    {
        get
        {
            if (JsonPaths.GetString(Document, "properties.scope") is { Length: > 0 } scope)
            {
                return scope;
            }

            var at = Id.IndexOf(ProviderSegment, StringComparison.OrdinalIgnoreCase);
            return at < 0 ? "" : Id[..at];
        }
    }

    /// <summary>"Default" (enforced) or "DoNotEnforce"; absent means Default.</summary>
    public string EnforcementMode => JsonPaths.GetString(Document, EnforcementModePath) ?? "Default";

    public bool Enforced => !string.Equals(EnforcementMode, "DoNotEnforce", StringComparison.OrdinalIgnoreCase);

    /// <summary>The pod security initiative this assigns, or null for any other definition.</summary>
    public PodSecurityInitiative? Initiative { get; }

    public JsonNode? ParameterValue(string name) => JsonPaths.Get(Document, $"{ParametersPath}.{name}.value");

    /// <summary>The value in force: the assignment's own, else the initiative's default.</summary>
    public JsonNode? EffectiveValue(string name) => ParameterValue(name) ?? Initiative?.DefaultOf(name);

    /// <summary>The effect of a pod security assignment ("Audit", "Deny", "Disabled" in any case), or null for other assignments.</summary>
    public string? Effect => Initiative is null ? null : AsString(EffectiveValue("effect"));

    public IReadOnlyList<string> ExcludedNamespaces => AsStrings(EffectiveValue("excludedNamespaces"));

    /// <summary>Namespaces the assignment is limited to; empty means every namespace.</summary>
    public IReadOnlyList<string> Namespaces => AsStrings(EffectiveValue("namespaces"));

    /// <summary>True when the assignment blocks non-compliant pods rather than only reporting them: effect Deny, enforced.</summary>
    public bool EnforcesDeny => Initiative is not null && Enforced && string.Equals(Effect, "Deny", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the assignment blocks (not only reports) pods in <paramref name="kubernetesNamespace"/>.</summary>
    public bool Denies(string kubernetesNamespace) =>
        EnforcesDeny
        && !ExcludedNamespaces.Contains(kubernetesNamespace, StringComparer.Ordinal)
        && (Namespaces.Count == 0 || Namespaces.Contains(kubernetesNamespace, StringComparer.Ordinal));

    public bool IsAtScope(string scope) => string.Equals(Scope.TrimEnd('/'), scope.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    public static string IdAt(string scope, string name) => $"{scope.TrimEnd('/')}{ProviderSegment}/{name}";

    /// <summary>
    /// Every assignment that applies to the resource: at its own scope and at each ancestor (resource group,
    /// subscription, management groups) — one list call with $filter=atScope().
    /// </summary>
    public static async Task<IReadOnlyList<PolicyAssignment>> ListApplyingToAsync(ArmResources arm, string resourceId, IOperationSink sink, CancellationToken cancellationToken)
    {
        var items = await arm.ListAsync(resourceId.TrimEnd('/') + ProviderSegment, ApiVersion, "$filter=atScope()", sink, cancellationToken).ConfigureAwait(false);
        return items.Select(i => new PolicyAssignment(i)).ToArray();
    }

    public override string ToString() => Id;

    private static string? AsString(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IReadOnlyList<string> AsStrings(JsonNode? node) =>
        node is JsonArray array ? array.Select(AsString).OfType<string>().ToArray() : Array.Empty<string>();
}
