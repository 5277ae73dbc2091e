using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>Test-AksSecretStore: reads the add-on's DaemonSets and every SecretProviderClass, and runs <see cref="SecretStoreChecks"/>.</summary>
public static class SecretStoreInspector
{
    /// <param name="source">What the result names as its source when the cluster has no ARM id (the kubeconfig and context).</param>
    public static async Task<ClusterTestResult> TestAsync(KubernetesTarget target, string source, IOperationSink sink, CancellationToken cancellationToken)
    {
        await using var session = await KubernetesSession.OpenAsync(target, sink, cancellationToken).ConfigureAwait(false);
        return await TestAsync(session, source, sink, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ClusterTestResult> TestAsync(KubernetesSession session, string source, IOperationSink sink, CancellationToken cancellationToken)
    {
        var evidence = await ReadAsync(session, sink, cancellationToken).ConfigureAwait(false);
        return SecretStoreChecks.Evaluate(session.ClusterId ?? session.ClusterName, session.ClusterName, session.ClusterId ?? source, evidence);
    }

    public static async Task<SecretStoreEvidence> ReadAsync(KubernetesSession session, IOperationSink sink, CancellationToken cancellationToken)
    {
        var daemonSets = new List<DaemonSetHealth>();
        foreach (var name in new[] { SecretStoreChecks.DriverDaemonSet, SecretStoreChecks.AzureProviderDaemonSet })
        {
            var daemonSet = await session.Objects.GetAsync("apps/v1", "DaemonSet", SecretStoreChecks.AddonNamespace, name, cancellationToken).ConfigureAwait(false);
            daemonSets.Add(daemonSet is null
                ? new DaemonSetHealth(SecretStoreChecks.AddonNamespace, name, false, 0, 0)
                : new DaemonSetHealth(SecretStoreChecks.AddonNamespace, name, true, Count(daemonSet, "desiredNumberScheduled"), Count(daemonSet, "numberReady")));
        }

        IReadOnlyList<JsonObject> classes;
        try
        {
            classes = await session.Objects.ListAsync(SecretProviderClassBuilder.ApiVersion, SecretProviderClassBuilder.Kind, null, null, cancellationToken).ConfigureAwait(false);
        }
        catch (AksSecurityException ex) when (ex.Kind == AksErrorKind.ObjectNotFound)
        {
            sink.Verbose($"The SecretProviderClass CRD is not installed in {session.ClusterName}, so there are no classes to check.");
            classes = Array.Empty<JsonObject>();
        }

        sink.Verbose($"{session.ClusterName}: {classes.Count} SecretProviderClass(es).");
        return new SecretStoreEvidence
        {
            DaemonSets = daemonSets,
            Classes = classes.Select(c => new SecretProviderClassInfo(
                c["metadata"]?["namespace"]?.GetValue<string>() ?? "",
                c["metadata"]?["name"]?.GetValue<string>() ?? "",
                c["spec"]?["provider"] is JsonValue provider && provider.GetValueKind() == JsonValueKind.String ? provider.GetValue<string>() : null,
                Parameters(c["spec"]?["parameters"] as JsonObject))).ToList(),
        };
    }

    private static int Count(JsonObject daemonSet, string field) =>
        daemonSet["status"]?[field] is JsonValue value && value.TryGetValue<int>(out var count) ? count : 0;

    /// <summary>Parameters are strings in the CRD; anything else is kept as its JSON text so the checks see what was there.</summary>
    private static IReadOnlyDictionary<string, string> Parameters(JsonObject? parameters) =>
        parameters is null
            ? new Dictionary<string, string>()
            : parameters.Where(p => p.Value is not null)
                .ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : p.Value!.ToJsonString());
}
