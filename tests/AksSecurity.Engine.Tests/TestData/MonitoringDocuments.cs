using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Monitoring;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Workspaces, diagnostic settings and cluster documents for the monitoring and Defender tests.</summary>
internal static class MonitoringDocuments
{
    /// <summary>The workspace the fake ARM seeds.</summary>
    public const string Workspace = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security";

    public const string OtherWorkspace = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-other";

    /// <summary>dev-open.json (ManagedClustersGet): no add-ons, no azureMonitorProfile, no securityProfile.</summary>
    public static ManagedClusterDocument Bare() => ExampleClusters.Load("dev-open.json");

    /// <summary>The bare cluster with the given properties merged in (e.g. addonProfiles, securityProfile).</summary>
    public static ManagedClusterDocument With(string propertyName, JsonNode value)
    {
        var cluster = Bare();
        cluster.Root["properties"]![propertyName] = value;
        return cluster;
    }

    /// <summary>A diagnostic setting as ARM returns it (shape of shared/fixtures/arm/insights/createOrUpdateDiagnosticSetting.json).</summary>
    public static DiagnosticSetting Setting(string name, string? workspace, params string[] categories) =>
        new(new JsonObject
        {
            ["id"] = $"{Bare().View.Id}/providers/microsoft.insights/diagnosticSettings/{name}",
            ["type"] = "Microsoft.Insights/diagnosticSettings",
            ["name"] = name,
            ["properties"] = new JsonObject
            {
                ["workspaceId"] = workspace ?? "",
                ["logs"] = new JsonArray(categories.Select(c => (JsonNode)Log(c)).ToArray()),
                ["logAnalyticsDestinationType"] = "Dedicated",
            },
        });

    /// <summary>A log entry: "group:allLogs" makes a categoryGroup entry, "-name" a disabled one.</summary>
    private static JsonObject Log(string spec)
    {
        var enabled = !spec.StartsWith('-');
        var text = spec.TrimStart('-');
        var entry = text.StartsWith("group:")
            ? new JsonObject { ["categoryGroup"] = text["group:".Length..] }
            : new JsonObject { ["category"] = text };
        entry["enabled"] = enabled;
        entry["retentionPolicy"] = new JsonObject { ["enabled"] = false, ["days"] = 0 };
        return entry;
    }

    public static ClusterDiagnosticSettings Settings(params DiagnosticSetting[] settings) => new(settings);
}
