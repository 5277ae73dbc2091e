using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>
/// The objects Install-AksKured applies: kured 1.23.0's release manifest (embedded; RBAC, ServiceAccount, DaemonSet)
/// with our settings on the DaemonSet, the notification Secret when asked, and our ownership labels on each.
/// </summary>
public static class KuredManifest
{
    public const string Component = "kured";

    // The manifest's RBAC names this DaemonSet (the lock lives on it), so neither name can change.
    public const string Namespace = "kube-system";
    public const string DaemonSetName = "kured";
    public const string ContainerName = "kured";
    public const string NotifySecretName = "kured-notify";
    public const string NotifySecretKey = "notify-url";
    public const string NotifyUrlVariable = "KURED_NOTIFY_URL";

    /// <summary>On the pod template: a one-way fingerprint of the notification URL, so the pods restart when it changes.</summary>
    public const string NotifyFingerprintAnnotation = "aks-security.io/notify-url-fingerprint";

    public const string ManifestFile = "kured-1.23.0-combined.yaml";
    private const string ResourceName = "AksSecurity.Engine.Tools.Kured.Manifests." + ManifestFile;

    /// <summary>Every kind Install-AksKured creates, for the uninstall and for removing objects no longer desired.</summary>
    public static readonly IReadOnlyList<(string ApiVersion, string Kind)> OwnedKinds = new[]
    {
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("v1", "ServiceAccount"),
        ("v1", "Secret"),
        ("apps/v1", "DaemonSet"),
    };

    /// <summary>The release manifest as published, parsed afresh on each call (callers change the objects).</summary>
    public static IReadOnlyList<JsonObject> Upstream()
    {
        using var stream = typeof(KuredManifest).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ManifestYaml.Parse(reader.ReadToEnd(), ManifestFile);
    }

    /// <summary>The desired objects for these settings.</summary>
    public static IReadOnlyList<JsonObject> Build(KuredSettings settings)
    {
        var objects = Upstream().ToList();
        var daemonSet = objects.Single(o => Kind(o) == "DaemonSet");
        Customize(daemonSet, settings);
        if (settings.NotifyUrl is { } url)
        {
            objects.Insert(objects.IndexOf(daemonSet), NotifySecret(url));
        }

        return objects.Select(o => KubernetesOwnership.Mark(o, Component)).ToArray();
    }

    /// <summary>True when the object carries both of our ownership labels for Kured.</summary>
    public static bool IsOurs(JsonObject obj) => KubernetesOwnership.IsOwnedBy(obj, Component);

    private static string? Kind(JsonObject obj) => obj["kind"]?.GetValue<string>();

    private static void Customize(JsonObject daemonSet, KuredSettings settings)
    {
        var podSpec = daemonSet["spec"]!["template"]!["spec"]!.AsObject();
        var container = KuredStatusBuilder.KuredContainer(daemonSet)
            ?? throw new InvalidOperationException($"{ManifestFile} has no kured container.");
        container["image"] = settings.Image;

        var env = container["env"] as JsonArray ?? new JsonArray();
        container["env"] = env;
        foreach (var (name, value) in settings.Environment)
        {
            env.Add(new JsonObject { ["name"] = name, ["value"] = value });
        }

        if (settings.HasNotifyUrl)
        {
            env.Add(new JsonObject
            {
                ["name"] = NotifyUrlVariable,
                ["valueFrom"] = new JsonObject
                {
                    ["secretKeyRef"] = new JsonObject { ["name"] = NotifySecretName, ["key"] = NotifySecretKey },
                },
            });
            var template = daemonSet["spec"]!["template"]!.AsObject();
            var metadata = template["metadata"] as JsonObject ?? new JsonObject();
            template["metadata"] = metadata;
            var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
            metadata["annotations"] = annotations;
            annotations[NotifyFingerprintAnnotation] = settings.NotifyUrlFingerprint;
        }

        var command = container["command"]!.AsArray();
        foreach (var argument in settings.ExtraArguments)
        {
            command.Add(argument);
        }

        var nodeSelector = new JsonObject();
        foreach (var (key, value) in settings.NodeSelector)
        {
            nodeSelector[key] = value;
        }

        podSpec["nodeSelector"] = nodeSelector;

        var tolerations = podSpec["tolerations"] as JsonArray ?? new JsonArray();
        podSpec["tolerations"] = tolerations;
        foreach (var toleration in settings.Tolerations)
        {
            var entry = new JsonObject();
            if (toleration.Key is not null)
            {
                entry["key"] = toleration.Key;
            }

            entry["operator"] = toleration.Operator;
            if (toleration.Value is not null)
            {
                entry["value"] = toleration.Value;
            }

            if (toleration.Effect is not null)
            {
                entry["effect"] = toleration.Effect;
            }

            if (toleration.TolerationSeconds is { } seconds)
            {
                entry["tolerationSeconds"] = seconds;
            }

            tolerations.Add(entry);
        }
    }

    private static JsonObject NotifySecret(string url) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Secret",
        ["metadata"] = new JsonObject { ["name"] = NotifySecretName, ["namespace"] = Namespace },
        ["type"] = "Opaque",
        // data, not stringData: the API server keeps only data, so a re-run compares equal and changes nothing.
        ["data"] = new JsonObject { [NotifySecretKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(url)) },
    };
}
