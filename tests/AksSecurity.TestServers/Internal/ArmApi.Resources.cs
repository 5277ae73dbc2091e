using System.Text.Json;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// Resources beside the clusters, kept in one generic store: extension resources of a cluster
/// (<c>{clusterId}/providers/{Namespace}/{type}/{name}</c>), policy assignments at resource group and subscription
/// scope, and the cluster's maintenance configurations (<c>{clusterId}/maintenanceConfigurations/{name}</c>).
/// </summary>
internal sealed partial class ArmApi
{
    private const string PolicyAssignmentType = "Microsoft.Authorization/policyAssignments";
    private const string DiagnosticSettingType = "Microsoft.Insights/diagnosticSettings";
    private const string MaintenanceConfigurationType = ClusterType + "/maintenanceConfigurations";
    private const string FilterParameter = "$filter";

    /// <summary>Types as ARM spells them in "type", whatever casing the request used.</summary>
    private static readonly string[] KnownExtensionTypes = [PolicyAssignmentType, DiagnosticSettingType];

    /// <summary>GET (list), GET, PUT and DELETE for each collection the generic store serves.</summary>
    private IEnumerable<Route> StoreRoutes()
    {
        var collections = new (string Template, string? Type)[]
        {
            (ClusterPath + "/providers/{namespace}/{type}", null),
            (ClusterPath + "/maintenanceconfigurations", MaintenanceConfigurationType),
            ("subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.authorization/policyassignments", PolicyAssignmentType),
            ("subscriptions/{sub}/providers/microsoft.authorization/policyassignments", PolicyAssignmentType),
        };
        foreach (var (template, type) in collections)
        {
            var action = type ?? "{namespace}/{type}";
            yield return new("GET", template, action + "/read", (r, v) => ListStored(r, v, type));
            yield return new("GET", template + "/{resource}", action + "/read", (r, v) => GetStored(v, type));
            yield return new("PUT", template + "/{resource}", action + "/write", (r, v) => PutStored(r, v, type));
            yield return new("DELETE", template + "/{resource}", action + "/delete", (r, v) => DeleteStored(v, type));
        }
    }

    private FakeResponse ListStored(FakeRequest request, Dictionary<string, string> values, string? fixedType)
    {
        if (Locate(values, fixedType, out var address) is { } missing)
        {
            return missing;
        }

        IEnumerable<JsonObject> items;
        if (address.Type == PolicyAssignmentType)
        {
            if (PolicyAssignmentFilter(request.QueryValue(FilterParameter), address.Scope) is not { } include)
            {
                return FakeResponse.ArmError(400, "InvalidFilterInQueryString",
                    $"The $filter '{request.QueryValue(FilterParameter)}' is not supported. Use atScope(), atExactScope() or policyDefinitionId eq '{{id}}'.");
            }

            items = _state.Resources()
                .Where(r => ScopeOfPolicyAssignment(r.Key) is { } scope && include(scope, r.Value))
                .Select(r => r.Value);
        }
        else
        {
            items = _state.ResourcesIn(address.CollectionId);
        }

        return FakeResponse.Json(200, new JsonObject { ["value"] = new JsonArray(items.Select(i => (JsonNode?)i.DeepClone()).ToArray()) });
    }

    private FakeResponse GetStored(Dictionary<string, string> values, string? fixedType)
    {
        if (Locate(values, fixedType, out var address) is { } missing)
        {
            return missing;
        }

        return _state.FindResource(address.Id) is { } document ? FakeResponse.Json(200, document.DeepClone()) : NotStored(address);
    }

    /// <summary>The body as sent, plus id/name/type and what the service adds (policy assignments: scope, defaults, instanceId).</summary>
    private FakeResponse PutStored(FakeRequest request, Dictionary<string, string> values, string? fixedType)
    {
        if (Locate(values, fixedType, out var address) is { } missing)
        {
            return missing;
        }

        if (ParseObject(request.Body) is not { } body)
        {
            return FakeResponse.ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: a JSON object is required.");
        }

        var existing = _state.FindResource(address.Id);
        var document = new JsonObject { ["id"] = address.Id, ["name"] = address.Name, ["type"] = address.Type };
        foreach (var (name, value) in body)
        {
            if (name is not ("id" or "name" or "type" or "systemData"))
            {
                document[name] = value?.DeepClone();
            }
        }

        if (address.Type == PolicyAssignmentType)
        {
            AddPolicyAssignmentFields(document, address.Scope, existing);
        }

        _state.StoreResource(address.Id, document);
        // Diagnostic settings answer 200 on create too: the spec and createOrUpdateDiagnosticSetting.json have no 201.
        var status = existing is null && address.Type != DiagnosticSettingType ? 201 : 200;
        return FakeResponse.Json(status, document.DeepClone());
    }

    /// <summary>200 when deleted (policy assignments return the deleted assignment, as in the spec), 204 when absent.</summary>
    private FakeResponse DeleteStored(Dictionary<string, string> values, string? fixedType)
    {
        if (Locate(values, fixedType, out var address) is { } missing)
        {
            return missing;
        }

        if (_state.FindResource(address.Id) is not { } document)
        {
            return new FakeResponse(204);
        }

        _state.RemoveResource(address.Id);
        return address.Type == PolicyAssignmentType ? FakeResponse.Json(200, document) : new FakeResponse(200);
    }

    /// <summary>
    /// The scope (cluster, resource group or subscription, as stored) and the id the resource has there. A missing
    /// scope is the 404 of that scope. Diagnostic settings ids are lower-case up to the type, as ARM writes them
    /// (createOrUpdateDiagnosticSetting.json).
    /// </summary>
    private FakeResponse? Locate(Dictionary<string, string> values, string? fixedType, out StoreAddress address)
    {
        address = default;
        string scope;
        if (values.ContainsKey("name"))
        {
            if (FindCluster(values, out var cluster) is { } missingCluster)
            {
                return missingCluster;
            }

            scope = cluster!.Id;
        }
        else if (MissingParent(values) is { } missingParent)
        {
            return missingParent;
        }
        else
        {
            scope = "/subscriptions/" + _state.FindSubscription(values["sub"])!.Id;
            if (values.TryGetValue("rg", out var group))
            {
                scope += "/resourceGroups/" + _state.FindResourceGroup(values["sub"], group)!.Name;
            }
        }

        var type = fixedType ?? CanonicalType(values["namespace"], values["type"]);
        var collection = type switch
        {
            MaintenanceConfigurationType => scope + "/maintenanceConfigurations",
            DiagnosticSettingType => scope.ToLowerInvariant() + "/providers/microsoft.insights/diagnosticSettings",
            _ => scope + "/providers/" + type,
        };
        address = new StoreAddress(scope, type, collection, values.GetValueOrDefault("resource") ?? "");
        return null;
    }

    private static string CanonicalType(string providerNamespace, string type)
    {
        var sent = providerNamespace + "/" + type;
        return KnownExtensionTypes.FirstOrDefault(t => t.Equals(sent, StringComparison.OrdinalIgnoreCase)) ?? sent;
    }

    /// <summary>What createPolicyAssignment.json's 201 adds to the request: scope, notScopes, enforcementMode, instanceId.</summary>
    private static void AddPolicyAssignmentFields(JsonObject document, string scope, JsonObject? existing)
    {
        var properties = ArmState.Properties(document);
        properties["scope"] = scope;
        properties["notScopes"] ??= new JsonArray();
        properties["enforcementMode"] ??= "Default";
        properties["instanceId"] = existing?["properties"]?["instanceId"]?.DeepClone() ?? Guid.NewGuid().ToString();
        if (document["identity"] is JsonObject identity
            && identity["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String
            && type.GetValue<string>().Contains("SystemAssigned", StringComparison.OrdinalIgnoreCase))
        {
            // The common-types Identity: principalId and tenantId are read-only, set by the service.
            identity["principalId"] = existing?["identity"]?["principalId"]?.DeepClone() ?? Guid.NewGuid().ToString();
            identity["tenantId"] = ArmState.TenantId;
        }
    }

    /// <summary>
    /// The $filter values of the policy assignment list operations: none (the scope, its ancestors and everything
    /// below it), atScope() (the scope and its ancestors), atExactScope() (the scope only), policyDefinitionId eq '{id}'
    /// (those of atScope() that assign that definition). Null for anything else.
    /// </summary>
    private static Func<string, JsonObject, bool>? PolicyAssignmentFilter(string? filter, string scope)
    {
        var text = filter?.Trim() ?? "";
        if (text.Length == 0)
        {
            return (at, _) => IsAtOrAbove(at, scope) || IsAtOrAbove(scope, at);
        }

        if (text.Equals("atScope()", StringComparison.OrdinalIgnoreCase))
        {
            return (at, _) => IsAtOrAbove(at, scope);
        }

        if (text.Equals("atExactScope()", StringComparison.OrdinalIgnoreCase))
        {
            return (at, _) => at.Equals(scope, StringComparison.OrdinalIgnoreCase);
        }

        const string definitionPrefix = "policyDefinitionId eq '";
        if (text.StartsWith(definitionPrefix, StringComparison.OrdinalIgnoreCase) && text.EndsWith('\'') && text.Length > definitionPrefix.Length)
        {
            var definitionId = text[definitionPrefix.Length..^1];
            return (at, assignment) => IsAtOrAbove(at, scope)
                && string.Equals(assignment["properties"]?["policyDefinitionId"]?.GetValue<string>(), definitionId, StringComparison.OrdinalIgnoreCase);
        }

        return null;
    }

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="scope"/> or contains it (subscription ⊃ resource group ⊃ resource).</summary>
    private static bool IsAtOrAbove(string ancestor, string scope) =>
        scope.Equals(ancestor, StringComparison.OrdinalIgnoreCase)
        || scope.StartsWith(ancestor.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scope of a stored policy assignment, read from its id; null for other resources.</summary>
    private static string? ScopeOfPolicyAssignment(string id)
    {
        const string marker = "/providers/" + PolicyAssignmentType + "/";
        var index = id.LastIndexOf(marker, StringComparison.OrdinalIgnoreCase);
        return index > 0 && id.IndexOf('/', index + marker.Length) < 0 ? id[..index] : null;
    }

    private static FakeResponse NotStored(StoreAddress address) => address.Type == PolicyAssignmentType
        ? FakeResponse.ArmError(404, "PolicyAssignmentNotFound", $"The policy assignment '{address.Name}' is not found.")
        : FakeResponse.ArmError(404, "ResourceNotFound",
            $"The Resource '{address.Type}/{address.Name}' under scope '{address.Scope}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");

    private readonly record struct StoreAddress(string Scope, string Type, string CollectionId, string Name)
    {
        public string Id => CollectionId + "/" + Name;
    }
}
