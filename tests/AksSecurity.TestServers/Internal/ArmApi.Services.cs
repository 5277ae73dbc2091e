using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// Read-mostly services the controls consult: policy-state summaries, Defender plans (pricings), supported Kubernetes
/// versions and Log Analytics workspaces. Shapes from the examples under Fixtures/ (see Fixtures/SOURCE.md).
/// </summary>
internal sealed partial class ArmApi
{
    private const string PricingType = "Microsoft.Security/pricings";
    private const string PricingsPath = "subscriptions/{sub}/providers/microsoft.security/pricings";
    private const string WorkspaceType = "Microsoft.OperationalInsights/workspaces";

    /// <summary>The resource of PolicyStates_SummarizeResourceScope.json, replaced by the cluster in the summary.</summary>
    private const string ExampleSummarizedResource = "subscriptions/fff10b27-fff3-fff5-fff8-fffbe01e86a5/resourceGroups/myResourceGroup/providers/Microsoft.KeyVault/vaults/my-vault";

    /// <summary>The other subscription of that example (its policy-group query URIs), replaced by the cluster's subscription.</summary>
    private const string ExampleSummarizedSubscription = "subscriptions/fffedd8f-ffff-fffd-fffd-fffed2f84852";

    private static readonly string[] PricingTiers = ["Free", "Standard"];

    private IEnumerable<Route> ServiceRoutes() =>
    [
        new("POST", ClusterPath + "/providers/microsoft.policyinsights/policystates/latest/summarize", "Microsoft.PolicyInsights/policyStates/summarize/action", SummarizePolicyStates),
        new("GET", PricingsPath, PricingType + "/read", ListPricings),
        new("GET", PricingsPath + "/{resource}", PricingType + "/read", GetPricing),
        new("PUT", PricingsPath + "/{resource}", PricingType + "/write", PutPricing),
        new("GET", OperationsPath + "/kubernetesversions", "Microsoft.ContainerService/locations/kubernetesVersions/read", ListKubernetesVersions),
        new("GET", "subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.operationalinsights/workspaces/{resource}", WorkspaceType + "/read", GetWorkspace),
    ];

    /// <summary>The example's summary with its resource ids moved to the cluster; the counts are the example's.</summary>
    private FakeResponse SummarizePolicyStates(FakeRequest request, Dictionary<string, string> values)
    {
        if (FindCluster(values, out var cluster) is { } missing)
        {
            return missing;
        }

        ArmState.TryParseClusterId(cluster!.Id, out var subscriptionId, out _, out _);
        var body = ExampleFixtures.ResponseBody(ExampleFixtures.PolicyStatesSummarize, "200");
        RewriteStrings(body, text => text
            .Replace(ExampleSummarizedResource, cluster.Id.TrimStart('/'), StringComparison.Ordinal)
            .Replace(ExampleSummarizedSubscription, "subscriptions/" + subscriptionId, StringComparison.Ordinal));
        return FakeResponse.Json(200, body);
    }

    private FakeResponse ListPricings(FakeRequest request, Dictionary<string, string> values) =>
        MissingSubscription(values["sub"]) ?? FakeResponse.Json(200, new JsonObject
        {
            ["value"] = new JsonArray(_state.ResourcesIn(PricingsId(values)).Select(p => (JsonNode?)p.DeepClone()).ToArray()),
        });

    private FakeResponse GetPricing(FakeRequest request, Dictionary<string, string> values)
    {
        if (MissingSubscription(values["sub"]) is { } missing)
        {
            return missing;
        }

        return _state.FindResource(PricingsId(values) + "/" + values["resource"]) is { } pricing
            ? FakeResponse.Json(200, pricing.DeepClone())
            : PricingNotFound(values["resource"]);
    }

    /// <summary>
    /// Sets a plan's tier and options as PutPricingByName_example.json answers: the sent properties plus the read-only
    /// ones (enablementTime when Standard, resourcesCoverageStatus, freeTrialRemainingTime, deprecated, replacedBy),
    /// enabled extensions with operationStatus Succeeded. Every plan exists already, so the answer is 200.
    /// </summary>
    private FakeResponse PutPricing(FakeRequest request, Dictionary<string, string> values)
    {
        if (MissingSubscription(values["sub"]) is { } missing)
        {
            return missing;
        }

        var id = PricingsId(values) + "/" + values["resource"];
        if (_state.FindResource(id) is not { } existing)
        {
            return PricingNotFound(values["resource"]);
        }

        if (ParseObject(request.Body) is not { } body || body["properties"] is not JsonObject sent)
        {
            return FakeResponse.ArmError(400, "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: a JSON object with 'properties' is required.");
        }

        var tier = sent["pricingTier"] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? PricingTiers.FirstOrDefault(t => t.Equals(value.GetValue<string>(), StringComparison.OrdinalIgnoreCase))
            : null;
        if (tier is null)
        {
            return FakeResponse.ArmError(400, "InvalidParameter", "The value of parameter properties.pricingTier must be 'Free' or 'Standard'.");
        }

        var old = ArmState.Properties(existing);
        var properties = (JsonObject)sent.DeepClone();
        properties["pricingTier"] = tier;
        foreach (var readOnly in new[] { "freeTrialRemainingTime", "deprecated", "replacedBy", "inherited", "inheritedFrom" })
        {
            CopyOwned(old, properties, readOnly);
        }

        if (properties["enforce"] is null && old["enforce"] is { } enforce)
        {
            properties["enforce"] = enforce.DeepClone();
        }

        if (properties["extensions"] is null && old["extensions"] is { } extensions)
        {
            // Sent without extensions: the plan keeps the ones it had (the example's PUT sends none and gets four back).
            properties["extensions"] = extensions.DeepClone();
        }
        var document = new JsonObject { ["id"] = existing["id"]!.DeepClone(), ["name"] = existing["name"]!.DeepClone(), ["type"] = PricingType, ["properties"] = properties };
        if (tier == "Free")
        {
            ResourceSeed.SetFree(document);
        }
        else
        {
            properties["enablementTime"] = old["pricingTier"]?.GetValue<string>() == "Standard" && old["enablementTime"] is { } since
                ? since.DeepClone()
                : request.Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            properties["resourcesCoverageStatus"] = "FullyCovered";
            foreach (var extension in (properties["extensions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (string.Equals(extension["isEnabled"]?.ToString(), "True", StringComparison.OrdinalIgnoreCase))
                {
                    extension["operationStatus"] = new JsonObject { ["code"] = "Succeeded", ["message"] = "Successfully enabled extension" };
                }
            }
        }

        _state.StoreResource(id, document);
        return FakeResponse.Json(200, document.DeepClone());
    }

    /// <summary>KubernetesVersions_List.json for every location of a known subscription.</summary>
    private FakeResponse ListKubernetesVersions(FakeRequest request, Dictionary<string, string> values) =>
        MissingSubscription(values["sub"]) ?? FakeResponse.Json(200, ExampleFixtures.ResponseBody(ExampleFixtures.KubernetesVersionsList, "200"));

    private FakeResponse GetWorkspace(FakeRequest request, Dictionary<string, string> values)
    {
        if (MissingParent(values) is { } missing)
        {
            return missing;
        }

        var id = $"/subscriptions/{values["sub"]}/resourceGroups/{values["rg"]}/providers/{WorkspaceType}/{values["resource"]}";
        return _state.FindResource(id) is { } workspace
            ? FakeResponse.Json(200, workspace.DeepClone())
            : FakeResponse.ArmError(404, "ResourceNotFound",
                $"The Resource '{WorkspaceType}/{values["resource"]}' under resource group '{values["rg"]}' was not found. "
                + "For more details please go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private string PricingsId(Dictionary<string, string> values) => $"/subscriptions/{_state.FindSubscription(values["sub"])!.Id}/providers/{PricingType}";

    private static FakeResponse PricingNotFound(string name) =>
        FakeResponse.ArmError(404, "ResourceNotFound", $"The pricing '{name}' was not found. Pricing names are those of GET …/providers/Microsoft.Security/pricings.");

    /// <summary>Applies <paramref name="rewrite"/> to every string value of the tree.</summary>
    private static void RewriteStrings(JsonNode? node, Func<string, string> rewrite)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToArray())
                {
                    if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[name] = rewrite(value.GetValue<string>());
                    }
                    else
                    {
                        RewriteStrings(child, rewrite);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        array[i] = rewrite(value.GetValue<string>());
                    }
                    else
                    {
                        RewriteStrings(array[i], rewrite);
                    }
                }

                break;
        }
    }
}
