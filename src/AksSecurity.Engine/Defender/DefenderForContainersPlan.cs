using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Defender;

/// <summary>
/// The subscription's Defender for Containers plan (Microsoft.Security/pricings/Containers, api-version 2024-01-01).
/// No fixture holds this resource; the shape follows the REST spec's examples
/// (specification/security/.../Microsoft.Security/stable/2024-01-01/examples/Pricings/ListPricings_example.json and
/// GetResourcePricingByNameContainers_example.json): properties.pricingTier "Free" | "Standard", properties.extensions[]
/// of {name, isEnabled: "True" | "False"}.
/// </summary>
public sealed class DefenderForContainersPlan
{
    public const string ApiVersion = "2024-01-01";
    public const string PricingTierPath = "properties.pricingTier";
    public const string StandardTier = "Standard";

    /// <summary>The plan's extension that deploys the Defender sensor to clusters by itself.</summary>
    public const string SensorExtension = "ContainerSensor";

    public DefenderForContainersPlan(string subscriptionId, JsonObject json)
    {
        SubscriptionId = subscriptionId;
        Json = json;
    }

    public string SubscriptionId { get; }
    public JsonObject Json { get; }

    public string PricingTier => JsonPaths.GetString(Json, PricingTierPath) ?? "Free";

    /// <summary>True when the plan is on (Standard tier); Free means off.</summary>
    public bool IsOn => string.Equals(PricingTier, StandardTier, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the plan deploys the sensor itself; null when the plan does not list the extension.</summary>
    public bool? SensorAutoProvisioning =>
        JsonPaths.Get(Json, "properties.extensions") is JsonArray extensions
        && extensions.OfType<JsonObject>().FirstOrDefault(e => string.Equals(JsonPaths.GetString(e, "name"), SensorExtension, StringComparison.OrdinalIgnoreCase)) is { } sensor
            ? JsonPaths.GetBool(sensor, "isEnabled")
            : null;

    public static string ResourceId(string subscriptionId) => $"/subscriptions/{subscriptionId}/providers/Microsoft.Security/pricings/Containers";

    /// <summary>The plan, or null when ARM has no such resource for the subscription.</summary>
    public static async Task<DefenderForContainersPlan?> ReadAsync(ArmResources arm, string subscriptionId, IOperationSink sink, CancellationToken cancellationToken)
    {
        var json = await arm.GetAsync(ResourceId(subscriptionId), ApiVersion, sink, cancellationToken).ConfigureAwait(false);
        return json is null ? null : new DefenderForContainersPlan(subscriptionId, json);
    }
}
