using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// What an Install-/Uninstall- cmdlet asks of the engine: its component's desired objects (validated when the object is made,
/// before anything is sent), or — for a removal — the kinds whose labelled objects go.
/// </summary>
public interface IKubernetesInstallation
{
    /// <summary>The value of <see cref="KubernetesOwnership.ComponentLabel"/> on every object of this component.</summary>
    string Component { get; }

    /// <summary>What the user is doing, for messages ("Install Kured").</summary>
    string Action { get; }

    /// <summary>True for an uninstall: every labelled object of <see cref="OwnedKinds"/> is deleted and nothing is applied.</summary>
    bool IsRemoval { get; }

    /// <summary>Every kind this component may have created, cluster-scoped and namespaced.</summary>
    IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds { get; }

    /// <summary>
    /// The objects as they should be. May read the cluster (node OS channel, nodes) and throws LockoutRisk/NotSupported
    /// <see cref="AksSecurityException"/>s for its guards.
    /// </summary>
    Task<IReadOnlyList<JsonObject>> DesiredObjectsAsync(KubernetesSession s, IOperationSink sink, CancellationToken ct);
}
