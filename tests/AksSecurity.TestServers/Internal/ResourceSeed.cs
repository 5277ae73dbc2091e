using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>The resources beside the clusters that every (re)seed starts with: Defender plans and a Log Analytics workspace.</summary>
internal static class ResourceSeed
{
    public const string WorkspaceId =
        "/subscriptions/" + ArmState.Subscription0 + "/resourcegroups/rg-monitor/providers/microsoft.operationalinsights/workspaces/law-security";

    public static void Add(ArmState state)
    {
        // Containers is Standard in subscription 0, Free in 1.
        AddPricings(state, ArmState.Subscription0, containersStandard: true);
        AddPricings(state, ArmState.Subscription1, containersStandard: false);

        // WorkspacesGet.json moved to rg-monitor; its id stays lower case as the example has it.
        var workspace = ExampleFixtures.ResponseBody(ExampleFixtures.WorkspacesGet, "200");
        workspace["id"] = WorkspaceId;
        workspace["name"] = "law-security";
        workspace["location"] = "location1";
        state.StoreResource(WorkspaceId, workspace);
    }

    /// <summary>Every plan of ListPricings_example.json in the subscription, Containers on Standard or Free.</summary>
    public static void AddPricings(ArmState state, string subscriptionId, bool containersStandard)
    {
        foreach (var pricing in ExampleFixtures.ResponseBody(ExampleFixtures.ListPricings, "200")["value"]!.AsArray().OfType<JsonObject>())
        {
            var name = pricing["name"]!.GetValue<string>();
            var id = $"/subscriptions/{subscriptionId}/providers/Microsoft.Security/pricings/{name}";
            pricing["id"] = id;
            if (name == "Containers" && !containersStandard)
            {
                SetFree(pricing);
            }

            state.StoreResource(id, (JsonObject)pricing.DeepClone());
        }
    }

    /// <summary>A plan on the Free tier, shaped like the Free plans of ListPricings_example.json (no enablementTime, no extensions).</summary>
    public static void SetFree(JsonObject pricing)
    {
        var properties = ArmState.Properties(pricing);
        properties["pricingTier"] = "Free";
        properties["resourcesCoverageStatus"] = "NotCovered";
        properties.Remove("enablementTime");
        properties.Remove("subPlan");
        properties.Remove("extensions");
    }
}
