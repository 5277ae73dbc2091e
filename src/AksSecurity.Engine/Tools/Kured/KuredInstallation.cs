using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>Install-AksKured: the node OS channel guard, then the manifest for the validated settings.</summary>
public sealed class KuredInstallation : IKubernetesInstallation
{
    private readonly KuredSettings _settings;
    private readonly bool _force;

    public KuredInstallation(KuredSettings settings, bool force)
    {
        _settings = settings;
        _force = force;
    }

    public string Component => KuredManifest.Component;
    public string Action => "Install Kured";
    public bool IsRemoval => false;
    public IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds => KuredManifest.OwnedKinds;

    /// <summary>
    /// The guard, then the manifest. The planner itself warns when an object exists that is not ours (a kured installed
    /// another way) and takes it over, and names each changed setting (env entries and containers by name).
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> DesiredObjectsAsync(KubernetesSession s, IOperationSink sink, CancellationToken ct)
    {
        // A cluster from ARM without the property runs the service's default channel; a kubeconfig target has no channel to read.
        var channel = s.ClusterId is null ? null : s.NodeOsUpgradeChannel ?? ManagedClusterView.DefaultNodeOSUpgradeChannel;
        KuredChannelGuard.Check(s.ClusterName, channel, _force, sink);
        sink.Verbose($"Kured {KuredSettings.Version} settings:{Environment.NewLine}{_settings.Describe()}");

        var desired = KuredManifest.Build(_settings);
        return desired;
    }
}

/// <summary>Uninstall-AksKured: every object carrying our Kured component label, and nothing else.</summary>
public sealed class KuredRemoval : IKubernetesInstallation
{
    public string Component => KuredManifest.Component;
    public string Action => "Uninstall Kured";
    public bool IsRemoval => true;
    public IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds => KuredManifest.OwnedKinds;

    public Task<IReadOnlyList<JsonObject>> DesiredObjectsAsync(KubernetesSession s, IOperationSink sink, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<JsonObject>>(Array.Empty<JsonObject>());
}
