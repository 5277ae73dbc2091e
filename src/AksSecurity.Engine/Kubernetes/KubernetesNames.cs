using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Names inside a cluster for tab completion (namespaces, Linux node names), listed through a short session of their own.
/// Completion must never sign anyone in: a kubeconfig user that runs an exec plugin (which may prompt or open a browser),
/// and an Entra ID user when the connection itself is interactive (its token for the AKS server application may need a
/// new sign-in), give no names; so does any failure. The caller bounds the time through <paramref name="ct"/>.
/// </summary>
public static class KubernetesNames
{
    private static readonly string[] InteractiveMethods = { "DeviceCode", "InteractiveBrowser" };

    public static Task<IReadOnlyList<string>> NamespacesAsync(KubernetesTarget target, CancellationToken ct) =>
        ListAsync(target, "Namespace", _ => true, ct);

    /// <summary>Namespaces a tool with a namespace of its own may be installed into: all but Kubernetes' own (default, kube-*).</summary>
    public static Task<IReadOnlyList<string>> InstallNamespacesAsync(KubernetesTarget target, CancellationToken ct) =>
        ListAsync(target, "Namespace", ns => !KubernetesInstaller.ProtectedNamespaces.Contains(ns["metadata"]?["name"]?.ToString() ?? ""), ct);

    /// <summary>Nodes kube-bench can check: Linux, or without an os label (taken as Linux, as the scheduler does).</summary>
    public static Task<IReadOnlyList<string>> LinuxNodesAsync(KubernetesTarget target, CancellationToken ct) =>
        ListAsync(target, "Node", node => node["metadata"]?["labels"]?["kubernetes.io/os"] is not JsonValue os || os.ToString() == "linux", ct);

    private static async Task<IReadOnlyList<string>> ListAsync(KubernetesTarget target, string kind, Func<JsonObject, bool> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.KubeConfig is { } kubeConfig && target.Context is { } context && kubeConfig.AuthenticationOf(context) == "Exec")
        {
            return Array.Empty<string>();
        }

        var interactive = target.Connection is { } connection && InteractiveMethods.Contains(connection.Context.AuthenticationMethod, StringComparer.OrdinalIgnoreCase);
        using var session = await KubernetesSession.OpenAsync(target, NullOperationSink.Instance, ct).ConfigureAwait(false);
        if (session.Authentication == "Entra" && interactive)
        {
            return Array.Empty<string>();
        }

        var objects = await session.Objects.ListAsync("v1", kind, null, null, ct).ConfigureAwait(false);
        return objects.Where(wanted)
            .Select(o => o["metadata"]?["name"] is JsonValue name && name.TryGetValue<string>(out var text) ? text : null)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
