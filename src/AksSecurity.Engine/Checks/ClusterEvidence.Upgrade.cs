using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Checks;

/// <summary>A maintenance configuration of the cluster: its name and whether it holds a maintenance window.</summary>
public sealed record MaintenanceConfigurationInfo(string Name, JsonObject? MaintenanceWindow)
{
    /// <summary>From a maintenance configuration resource as ARM returns it.</summary>
    public static MaintenanceConfigurationInfo From(JsonObject resource) =>
        new(JsonPaths.GetString(resource, "name") ?? JsonPaths.GetString(resource, "id")?.Split('/').LastOrDefault() ?? "",
            JsonPaths.Get(resource, "properties.maintenanceWindow") as JsonObject);
}

/// <summary>Evidence of the upgrade checks beside the cluster: planned maintenance and the region's supported versions.</summary>
public sealed partial class ClusterEvidence
{
    /// <summary>The cluster's maintenance configurations; null when not read (offline).</summary>
    public IReadOnlyList<MaintenanceConfigurationInfo>? MaintenanceConfigurations { get; set; }

    /// <summary>The Kubernetes versions the cluster's region supports; null when not read (offline).</summary>
    public KubernetesVersionCatalog? SupportedKubernetesVersions { get; set; }
}

/// <summary>Lists <c>{clusterId}/maintenanceConfigurations</c> (MaintenanceConfigurations_ListByManagedCluster, 2026-08-01).</summary>
public sealed class MaintenanceConfigurationReader : IEvidenceReader
{
    public const string ApiVersion = "2026-08-01";

    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
    {
        var items = await arm.ListAsync($"{evidence.View.Id}/maintenanceConfigurations", ApiVersion, null, sink, cancellationToken).ConfigureAwait(false);
        evidence.MaintenanceConfigurations = items.Select(MaintenanceConfigurationInfo.From).ToArray();
    }
}

/// <summary>
/// Reads the supported Kubernetes versions of the cluster's region. One reader serves a whole pipeline, so each
/// subscription and region is read once.
/// </summary>
public sealed class KubernetesVersionReader : IEvidenceReader
{
    // A task per region, so clusters audited concurrently (Test-AksSecurity -All) share one read.
    private readonly ConcurrentDictionary<string, Lazy<Task<KubernetesVersionCatalog>>> _byRegion = new(StringComparer.OrdinalIgnoreCase);

    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
    {
        var location = evidence.View.Location;
        if (string.IsNullOrEmpty(location))
        {
            return;
        }

        var path = KubernetesVersionCatalog.PathFor(evidence.View.SubscriptionId, location);
        var read = _byRegion.GetOrAdd(path, p => new Lazy<Task<KubernetesVersionCatalog>>(async () =>
            KubernetesVersionCatalog.Parse(location, await arm.GetRawAsync(p, KubernetesVersionCatalog.ApiVersion, sink, cancellationToken).ConfigureAwait(false))));
        try
        {
            evidence.SupportedKubernetesVersions = await read.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed read is not kept: the next cluster tries again.
            _byRegion.TryRemove(new KeyValuePair<string, Lazy<Task<KubernetesVersionCatalog>>>(path, read));
            throw;
        }
    }
}
