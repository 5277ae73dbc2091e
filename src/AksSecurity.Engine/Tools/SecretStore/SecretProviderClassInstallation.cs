using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>
/// New-AksSecretProviderClass applied to a cluster: one class, in its namespace. The component is this class's own
/// (its namespace and name, or a hash of them when too long for a label), so planning it never touches another class.
/// </summary>
public sealed class SecretProviderClassInstallation : IKubernetesInstallation
{
    private readonly JsonObject _manifest;

    /// <summary>Builds (and so validates) the class from the request, before anything is sent.</summary>
    public SecretProviderClassInstallation(SecretProviderClassRequest request, string @namespace)
        : this(SecretProviderClassBuilder.Build(request), @namespace)
    {
    }

    private SecretProviderClassInstallation(SecretProviderClassDefinition definition, string @namespace)
    {
        Warnings = definition.Warnings;
        KubernetesNameRules.RequireLabel(@namespace, "Namespace", "namespace name");
        _manifest = (JsonObject)definition.Manifest.DeepClone();
        _manifest["metadata"]!["namespace"] = @namespace;
        // A label value holds 63 characters; namespaces have no dots, so "spc.<namespace>.<name>" names one class only.
        var readable = $"spc.{@namespace}.{definition.Name}";
        Component = readable.Length <= 63
            ? readable
            : "spc-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{@namespace}/{definition.Name}")))[..16].ToLowerInvariant();
        Action = $"Apply SecretProviderClass {@namespace}/{definition.Name}";
    }

    public string Component { get; }

    /// <summary>What the user should hear about the class (a node identity).</summary>
    public IReadOnlyList<string> Warnings { get; }

    public string Action { get; }

    public bool IsRemoval => false;

    public IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds { get; } = new[] { (SecretProviderClassBuilder.ApiVersion, SecretProviderClassBuilder.Kind) };

    public Task<IReadOnlyList<JsonObject>> DesiredObjectsAsync(KubernetesSession session, IOperationSink sink, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JsonObject>>(new[] { (JsonObject)_manifest.DeepClone() });
}
