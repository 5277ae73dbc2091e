using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Falco;

/// <summary>
/// Install-AksFalco's desired objects. Everything that needs no cluster (namespace name, images, the rules file) is
/// checked in the constructor, so bad input fails before a session is opened.
/// </summary>
public sealed class FalcoInstallation : IKubernetesInstallation
{
    private readonly FalcoInstallOptions _options;

    /// <param name="rulesPath">A file system path (the cmdlet resolves provider paths), or null for Falco's default rules only.</param>
    public FalcoInstallation(string? @namespace, string? imageRegistry, string? image, string? rulesPath)
    {
        _options = new FalcoInstallOptions
        {
            Namespace = @namespace ?? FalcoManifests.DefaultNamespace,
            ImageRegistry = imageRegistry,
            Image = image,
            Rules = rulesPath is null ? null : FalcoRulesFile.Read(rulesPath),
        };
        FalcoManifests.Validate(_options);
    }

    public string Component => FalcoManifests.Component;

    public string Action => "Install Falco";

    public bool IsRemoval => false;

    public IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds => FalcoManifests.OwnedKinds;

    /// <summary>The rules file as read, for the cmdlet's verbose message.</summary>
    public FalcoRulesFile? Rules => _options.Rules;

    public async Task<IReadOnlyList<JsonObject>> DesiredObjectsAsync(KubernetesSession session, IOperationSink sink, CancellationToken cancellationToken)
    {
        var existing = await session.Objects.GetAsync("v1", "Namespace", null, _options.Namespace, cancellationToken).ConfigureAwait(false);
        var ours = existing?["metadata"]?["labels"]?[KubernetesOwnership.ComponentLabel]?.GetValue<string>() == FalcoManifests.Component;
        if (existing is not null && !ours)
        {
            // Taking the namespace over would make Uninstall-AksFalco delete it, with whatever else lives there.
            sink.Warning($"Namespace '{_options.Namespace}' exists and was not created by Install-AksFalco: Falco is installed into it, but the namespace is neither labelled nor removed by Uninstall-AksFalco. Falco's pods are privileged; Pod Security admission must allow that there.");
        }

        if (_options.Rules is { } rules)
        {
            sink.Verbose($"Custom rules '{rules.Key}': {rules.Rules} rule(s), {rules.Macros} macro(s), {rules.Lists} list(s), mounted in {FalcoManifests.RulesDirectory}.");
        }

        var options = new FalcoInstallOptions
        {
            Namespace = _options.Namespace, ImageRegistry = _options.ImageRegistry, Image = _options.Image, Rules = _options.Rules,
            ManageNamespace = existing is null || ours,
        };
        return FalcoManifests.Build(options);
    }
}

/// <summary>Uninstall-AksFalco: every object with Falco's component label, and nothing else.</summary>
public sealed class FalcoRemoval : IKubernetesInstallation
{
    public string Component => FalcoManifests.Component;

    public string Action => "Uninstall Falco";

    public bool IsRemoval => true;

    public IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds => FalcoManifests.OwnedKinds;

    public Task<IReadOnlyList<JsonObject>> DesiredObjectsAsync(KubernetesSession session, IOperationSink sink, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JsonObject>>(Array.Empty<JsonObject>());
}
