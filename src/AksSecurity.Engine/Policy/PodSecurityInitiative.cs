using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Policy;

/// <summary>One parameter of a policy set definition, as the definition declares it.</summary>
public sealed record PolicyParameterDefinition(string Name, string Type, IReadOnlyList<string> AllowedValues, JsonNode? DefaultValue);

/// <summary>
/// One of the two built-in pod security initiatives, read from the definition embedded in the engine
/// (Policy/Initiatives, copied unchanged from Azure/azure-policy). Parameters are validated against it before sending.
/// </summary>
public sealed class PodSecurityInitiative
{
    public const string BaselineName = "Baseline";
    public const string RestrictedName = "Restricted";

    public static PodSecurityInitiative Baseline { get; } = Load(BaselineName, "PSPBaselineStandard.json");
    public static PodSecurityInitiative Restricted { get; } = Load(RestrictedName, "PSPRestrictedStandard.json");

    public static IReadOnlyList<PodSecurityInitiative> All { get; } = new[] { Baseline, Restricted };

    private readonly Dictionary<string, PolicyParameterDefinition> _parameters;

    private PodSecurityInitiative(string name, JsonObject definition)
    {
        Name = name;
        PolicySetDefinitionId = JsonPaths.GetString(definition, "id")
            ?? throw new InvalidOperationException($"The embedded {name} initiative has no id.");
        DisplayName = JsonPaths.GetString(definition, "properties.displayName") ?? name;
        Version = JsonPaths.GetString(definition, "properties.version") ?? "";
        _parameters = new(StringComparer.OrdinalIgnoreCase);
        if (JsonPaths.Get(definition, "properties.parameters") is JsonObject parameters)
        {
            foreach (var (parameterName, node) in parameters)
            {
                var allowed = JsonPaths.GetStringArray(node, "allowedValues");
                _parameters[parameterName] = new PolicyParameterDefinition(parameterName, JsonPaths.GetString(node, "type") ?? "String", allowed,
                    JsonPaths.Get(node, "defaultValue")?.DeepClone());
            }
        }
    }

    /// <summary>"Baseline" or "Restricted".</summary>
    public string Name { get; }

    /// <summary>/providers/Microsoft.Authorization/policySetDefinitions/{guid}.</summary>
    public string PolicySetDefinitionId { get; }

    public string DisplayName { get; }
    public string Version { get; }

    /// <summary>The name of the assignment this module makes at a cluster's scope, stable so that re-runs update it.</summary>
    public string AssignmentName => "aks-pod-security-" + Name.ToLowerInvariant();

    public IReadOnlyCollection<PolicyParameterDefinition> Parameters => _parameters.Values;

    public PolicyParameterDefinition? Parameter(string name) => _parameters.GetValueOrDefault(name);

    /// <summary>The initiative's default for a parameter (what applies when an assignment does not set it).</summary>
    public JsonNode? DefaultOf(string parameterName) => Parameter(parameterName)?.DefaultValue;

    public bool IsDefinitionOf(string? policyDefinitionId) =>
        string.Equals(policyDefinitionId?.TrimEnd('/'), PolicySetDefinitionId, StringComparison.OrdinalIgnoreCase);

    /// <summary>The initiative assigned by this policy definition id, or null for any other definition.</summary>
    public static PodSecurityInitiative? ForDefinitionId(string? policyDefinitionId) => All.FirstOrDefault(i => i.IsDefinitionOf(policyDefinitionId));

    public static PodSecurityInitiative FromName(string name) =>
        All.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Initiative '{name}' is not known: use {BaselineName} or {RestrictedName}.", "Initiative");

    public override string ToString() => $"{Name} ({PolicySetDefinitionId})";

    private static PodSecurityInitiative Load(string name, string file)
    {
        var resource = $"AksSecurity.Engine.Policy.Initiatives.{file}";
        using var stream = typeof(PodSecurityInitiative).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The engine lacks its embedded resource {resource}.");
        return new PodSecurityInitiative(name, (JsonObject)JsonNode.Parse(stream)!);
    }
}
