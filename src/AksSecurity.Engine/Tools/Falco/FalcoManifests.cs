using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Falco;

/// <summary>What Install-AksFalco was asked for; validated by <see cref="FalcoManifests.Build"/> before anything is sent.</summary>
public sealed class FalcoInstallOptions
{
    public string Namespace { get; init; } = FalcoManifests.DefaultNamespace;

    /// <summary>Replaces docker.io in every image (a private registry that mirrors falcosecurity's images).</summary>
    public string? ImageRegistry { get; init; }

    /// <summary>The Falco image itself, a full reference with a tag or digest.</summary>
    public string? Image { get; init; }

    /// <summary>Custom rules, already read and validated (<see cref="FalcoRulesFile.Read"/>).</summary>
    public FalcoRulesFile? Rules { get; init; }

    /// <summary>False when the namespace exists and is not ours: it is then neither labelled nor, on uninstall, deleted.</summary>
    public bool ManageNamespace { get; init; } = true;
}

/// <summary>
/// The Falco 0.44.1 DaemonSet and its companions, from the embedded deploy-kubernetes render (Manifests/SOURCE.md),
/// changed as SOURCE.md lists: our namespace and labels, modern eBPF only, JSON output, images, checksums, custom rules.
/// </summary>
public static partial class FalcoManifests
{
    public const string Component = "falco";
    public const string DefaultNamespace = "falco";
    public const string DaemonSetName = "falco";
    public const string FalcoContainer = "falco";

    /// <summary>The DaemonSet's pod selector (spec.selector.matchLabels of daemonset.yaml).</summary>
    public const string PodSelector = "app.kubernetes.io/name=falco,app.kubernetes.io/instance=falco";

    public const string FalcoVersion = "0.44.1";
    public const string FalcoImage = "docker.io/falcosecurity/falco:" + FalcoVersion;
    public const string FalcoctlImage = "docker.io/falcosecurity/falcoctl:0.13.0";
    public const string CustomRulesConfigMap = "falco-custom-rules";
    public const string RulesDirectory = "/etc/falco/rules.d";

    private const string DefaultRegistry = "docker.io";
    private const string DriverLoader = "falco-driver-loader";
    private const string CustomRulesVolume = "custom-rules";

    /// <summary>Only the driver loader mounted these (the chart drops them for modern_ebpf).</summary>
    private static readonly string[] DriverLoaderVolumes = { "boot-fs", "lib-modules", "usr-fs" };

    private static readonly string[] ManifestFiles =
    {
        "serviceaccount.yaml", "clusterrole.yaml", "clusterrolebinding.yaml", "role.yaml", "roleBinding.yaml",
        "configmap.yaml", "falcoctl-configmap.yaml", "daemonset.yaml",
    };

    /// <summary>What Uninstall-AksFalco looks for our label on.</summary>
    public static IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds { get; } = new[]
    {
        ("v1", "Namespace"), ("v1", "ServiceAccount"), ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"), ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"), ("v1", "ConfigMap"), ("apps/v1", "DaemonSet"),
    };

    /// <summary>Checks the options that need no cluster; throws InvalidArgument.</summary>
    public static void Validate(FalcoInstallOptions options)
    {
        KubernetesNameRules.RequireLabel(options.Namespace, "Namespace", "namespace name");
        if (KubernetesInstaller.ProtectedNamespaces.Contains(options.Namespace))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"Falco is not installed into '{options.Namespace}': it gets a namespace of its own, so that uninstalling it removes only what it added. Use -Namespace falco (the default) or another new name.",
                "Namespace");
        }

        if (options.ImageRegistry is not null && !ContainerImages.IsRegistry(options.ImageRegistry))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{options.ImageRegistry}' is not a registry: give a host name with an optional port and path, without https://, e.g. myregistry.azurecr.io or myregistry.azurecr.io/mirror.",
                "ImageRegistry");
        }

        if (options.Image is not null && !(ContainerImages.IsReference(options.Image) && ContainerImages.IsPinned(options.Image)))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{options.Image}' is not a pinned image reference: give repository:tag or repository@sha256:digest, e.g. myregistry.azurecr.io/falcosecurity/falco:0.44.1.",
                "Image");
        }
    }

    public static IReadOnlyList<JsonObject> Build(FalcoInstallOptions options)
    {
        Validate(options);
        var objects = new List<JsonObject>();
        if (options.ManageNamespace)
        {
            objects.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject
                {
                    ["name"] = options.Namespace,
                    // Falco's pods are privileged and mount host paths; Pod Security admission must allow that here, and only here.
                    ["labels"] = new JsonObject { ["pod-security.kubernetes.io/enforce"] = "privileged" },
                },
            });
        }

        var loaded = ManifestFiles.SelectMany(Load).ToList();
        foreach (var manifest in loaded)
        {
            RemoveNulls(manifest);
            var metadata = manifest["metadata"]!.AsObject();
            if (metadata["namespace"] is not null)
            {
                metadata["namespace"] = options.Namespace;
            }

            if (metadata["labels"] is JsonObject labels)
            {
                labels.Remove("helm.sh/chart");
                labels.Remove(KubernetesOwnership.ManagedByLabel);
                labels["app.kubernetes.io/version"] = FalcoVersion;
            }

            if (manifest["subjects"] is JsonArray subjects)
            {
                foreach (var subject in subjects.OfType<JsonObject>())
                {
                    subject["namespace"] = options.Namespace;
                }
            }
        }

        var config = loaded.Single(m => Kind(m) == "ConfigMap" && Name(m) == "falco");
        var falcoYaml = config["data"]!["falco.yaml"]!.GetValue<string>();
        foreach (var (key, value) in new[]
                 {
                     ("json_output", "true"), ("json_include_output_property", "true"),
                     ("json_include_output_fields_property", "true"), ("json_include_tags_property", "true"),
                 })
        {
            falcoYaml = SetTopLevel(falcoYaml, key, value);
        }

        config["data"]!["falco.yaml"] = falcoYaml;

        var daemonSet = loaded.Single(m => Kind(m) == "DaemonSet");
        EditDaemonSet(daemonSet, options, Sha256(falcoYaml));
        if (options.Rules is { } rules)
        {
            loaded.Insert(loaded.IndexOf(daemonSet), new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject
                {
                    ["name"] = CustomRulesConfigMap,
                    ["namespace"] = options.Namespace,
                    ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "falco", ["app.kubernetes.io/instance"] = "falco" },
                },
                ["data"] = new JsonObject { [rules.Key] = rules.Content },
            });
        }

        objects.AddRange(loaded);
        return objects.Select(o => KubernetesOwnership.Mark(o, Component)).ToList();
    }

    private static void EditDaemonSet(JsonObject daemonSet, FalcoInstallOptions options, string configChecksum)
    {
        var template = daemonSet["spec"]!["template"]!.AsObject();
        var pod = template["spec"]!.AsObject();
        var initContainers = pod["initContainers"]!.AsArray();
        initContainers.Remove(initContainers.OfType<JsonObject>().Single(c => Name(c) == DriverLoader));
        var volumes = pod["volumes"]!.AsArray();
        foreach (var volume in volumes.OfType<JsonObject>().Where(v => DriverLoaderVolumes.Contains(Name(v))).ToList())
        {
            volumes.Remove(volume);
        }

        // AKS clusters may have Windows pools, where Falco's Linux image and eBPF probe cannot run.
        pod["nodeSelector"] = new JsonObject { ["kubernetes.io/os"] = "linux" };
        var containers = pod["containers"]!.AsArray().OfType<JsonObject>().Concat(initContainers.OfType<JsonObject>()).ToList();
        foreach (var container in containers)
        {
            var image = container["image"]!.GetValue<string>();
            if (options.ImageRegistry is { } registry && image.StartsWith(DefaultRegistry + "/", StringComparison.Ordinal))
            {
                image = registry.TrimEnd('/') + image[DefaultRegistry.Length..];
            }

            if (Name(container) == FalcoContainer && options.Image is not null)
            {
                image = options.Image;
            }

            container["image"] = image;
        }

        var annotations = template["metadata"]!["annotations"]!.AsObject();
        annotations["checksum/config"] = configChecksum;
        annotations["checksum/rules"] = Sha256(options.Rules?.Content ?? "");
        if (options.Rules is not null)
        {
            volumes.Add(new JsonObject { ["name"] = CustomRulesVolume, ["configMap"] = new JsonObject { ["name"] = CustomRulesConfigMap } });
            var falco = containers.Single(c => Name(c) == FalcoContainer);
            falco["volumeMounts"]!.AsArray().Add(new JsonObject { ["mountPath"] = RulesDirectory, ["name"] = CustomRulesVolume, ["readOnly"] = true });
        }
    }

    /// <summary>Sets a top-level scalar of falco.yaml by its line, so the rest of the file stays as Falco's chart wrote it.</summary>
    internal static string SetTopLevel(string yaml, string key, string value)
    {
        var pattern = new Regex($"^{Regex.Escape(key)}:[^\\n]*$", RegexOptions.Multiline);
        var matches = pattern.Matches(yaml).Count;
        if (matches != 1)
        {
            throw new InvalidOperationException($"The embedded falco.yaml has {matches} top-level '{key}' lines; expected one.");
        }

        return pattern.Replace(yaml, $"{key}: {value}");
    }

    private static IReadOnlyList<JsonObject> Load(string file)
    {
        var name = $"AksSecurity.Engine.Tools.Falco.Manifests.{file}";
        using var stream = typeof(FalcoManifests).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"The embedded manifest {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ManifestYaml.Parse(reader.ReadToEnd(), file);
    }

    /// <summary>The render has "securityContext:" with no value; the API server reads null as absent, and so do we.</summary>
    private static void RemoveNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
                {
                    obj.Remove(key);
                }

                foreach (var (_, value) in obj)
                {
                    RemoveNulls(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RemoveNulls(item);
                }

                break;
        }
    }

    private static string Kind(JsonObject manifest) => manifest["kind"]!.GetValue<string>();

    private static string Name(JsonObject obj) => (obj["metadata"]?["name"] ?? obj["name"])!.GetValue<string>();

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
}
