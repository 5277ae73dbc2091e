using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.KubeBench;

/// <summary>A node kube-bench runs on: its name, and the value of its kubernetes.io/hostname label the Job is pinned to.</summary>
public sealed record KubeBenchNode(string Name, string Hostname);

/// <summary>
/// The objects a kube-bench run creates: its own namespace, a ServiceAccount without a token, and one Job per node made from
/// upstream's job-aks.yaml (Manifests/, see SOURCE.md there) — its hostPID and read-only host mounts unchanged — with the
/// image pinned, the benchmark passed explicitly, <c>--json</c>, and the node pinned.
/// </summary>
/// <remarks>
/// Least privilege: kube-bench's node checks read files and processes of the host; with <c>--benchmark</c> given it never
/// calls the API server (it only lists nodes to detect AKS when it picks the benchmark itself). So the pod gets no API
/// credential at all — a ServiceAccount of its own with automountServiceAccountToken false, and no Role or binding.
/// The namespace enforces the privileged Pod Security level because hostPID and hostPath volumes need it; nothing else runs there.
/// </remarks>
public static class KubeBenchManifests
{
    public const string Component = "kube-bench";
    public const string DefaultNamespace = "aks-security-kube-bench";
    public const string ServiceAccountName = "kube-bench";
    public const string ContainerName = "kube-bench";
    public const string DefaultImage = "docker.io/aquasec/kube-bench:v0.15.6";

    /// <summary>The label that ties a run's Jobs together, so a sweep finds one even when its create's answer was lost.</summary>
    public const string RunLabel = "aks-security.io/kube-bench-run";

    /// <summary>The pod template label that finds a Job's pod (our own, not the API's job-name, so no API version matters).</summary>
    public const string JobLabel = "aks-security.io/kube-bench-job";

    public const string NodeAnnotation = "aks-security.io/node";
    public const string HostnameLabel = "kubernetes.io/hostname";

    /// <summary>A finished Job the run could not delete (the process died) is removed by the cluster after this long.</summary>
    public const int TtlSecondsAfterFinished = 600;

    private const string ManifestResource = "AksSecurity.Engine.Tools.KubeBench.Manifests.job-aks.yaml";
    private const string UpstreamImageRepository = "aquasec/kube-bench:v0.15.6";

    private static readonly Lazy<JsonObject> Template = new(LoadTemplate);

    /// <summary>
    /// The image to run: <paramref name="image"/> as given, or the pinned image under <paramref name="registry"/> (a private
    /// mirror such as an ACR: "myacr.azurecr.io" → myacr.azurecr.io/aquasec/kube-bench:v0.15.6), or the pinned image.
    /// </summary>
    public static string ResolveImage(string? image, string? registry)
    {
        if (!string.IsNullOrWhiteSpace(image) && !string.IsNullOrWhiteSpace(registry))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "Give -Image (the whole reference) or -ImageRegistry (a mirror of the pinned image), not both.", "Image");
        }

        if (!string.IsNullOrWhiteSpace(image))
        {
            var trimmed = image.Trim();
            return ContainerImages.IsReference(trimmed) ? trimmed
                : throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"'{image}' is not an image reference (registry/repository:tag or @sha256:digest, lower case), e.g. myacr.azurecr.io/aquasec/kube-bench:v0.15.6.", "Image");
        }

        if (!string.IsNullOrWhiteSpace(registry))
        {
            var host = registry.Trim().TrimEnd('/');
            if (host.Contains("://", StringComparison.Ordinal) || !ContainerImages.IsRegistry(host))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"'{registry}' is not a registry host (and optional path), e.g. myacr.azurecr.io; the image {UpstreamImageRepository} is pulled from under it.", "ImageRegistry");
            }

            return $"{host}/{UpstreamImageRepository}";
        }

        return DefaultImage;
    }

    /// <summary>A namespace name (DNS-1123 label), or InvalidArgument.</summary>
    public static string ValidateNamespace(string name) =>
        KubernetesNameRules.IsLabel(name) ? name
            : throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{name}' is not a namespace name (lower-case letters, digits and '-', at most 63).", "Namespace");

    /// <summary>The run's namespace: our labels, and the privileged Pod Security level that hostPID and hostPath volumes need.</summary>
    public static JsonObject Namespace(string name) => KubernetesOwnership.Mark(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = new JsonObject { ["pod-security.kubernetes.io/enforce"] = "privileged" },
        },
    }, Component);

    /// <summary>The pods' identity: no token is mounted and nothing is bound to it.</summary>
    public static JsonObject ServiceAccount(string ns) => KubernetesOwnership.Mark(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ServiceAccount",
        ["metadata"] = new JsonObject { ["name"] = ServiceAccountName, ["namespace"] = ns },
        ["automountServiceAccountToken"] = false,
    }, Component);

    /// <summary>
    /// "kube-bench-{run}-{node}"; a node name too long for a 63-character Job name (which becomes a label value) is cut and
    /// given a hash of the whole name, so two long names never collide.
    /// </summary>
    public static string JobName(string runId, string nodeName)
    {
        var prefix = $"kube-bench-{runId}-";
        var node = nodeName.ToLowerInvariant();
        if (prefix.Length + node.Length <= 63)
        {
            return prefix + node;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(nodeName)))[..8].ToLowerInvariant();
        return $"{prefix}{node[..(63 - prefix.Length - 9)].TrimEnd('-', '.')}-{hash}";
    }

    /// <summary>A new run id: five lower-case letters and digits, as Kubernetes' generateName suffixes are.</summary>
    public static string NewRunId()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    /// <summary>
    /// The Job for one node. It is pinned by a required node affinity on the node's kubernetes.io/hostname rather than by
    /// spec.nodeName: nodeName skips the scheduler, so a pod that does not fit fails at once in the kubelet (OutOfcpu) and
    /// PriorityClass preemption never applies, while through the scheduler it waits and reports why. Every taint is
    /// tolerated, because the Job must run on exactly that node, system pools (CriticalAddonsOnly) and spot nodes included.
    /// </summary>
    public static JsonObject Job(string ns, string runId, KubeBenchNode node, string image, string benchmark, TimeSpan timeout)
    {
        var job = (JsonObject)Template.Value.DeepClone();
        var name = JobName(runId, node.Name);
        var metadata = (JsonObject)job["metadata"]!;
        metadata["name"] = name;
        metadata["namespace"] = ns;
        metadata["annotations"] = new JsonObject { [NodeAnnotation] = node.Name };
        KubernetesOwnership.Mark(job, Component);
        ((JsonObject)metadata["labels"]!)[RunLabel] = runId;

        var spec = (JsonObject)job["spec"]!;
        spec["backoffLimit"] = 0;
        spec["activeDeadlineSeconds"] = (long)Math.Ceiling(timeout.TotalSeconds);
        spec["ttlSecondsAfterFinished"] = TtlSecondsAfterFinished;

        var template = (JsonObject)spec["template"]!;
        template["metadata"] = new JsonObject
        {
            ["labels"] = new JsonObject
            {
                [KubernetesOwnership.ComponentLabel] = Component,
                [RunLabel] = runId,
                [JobLabel] = name,
            },
        };

        var pod = (JsonObject)template["spec"]!;
        pod["serviceAccountName"] = ServiceAccountName;
        pod["automountServiceAccountToken"] = false;
        pod["affinity"] = new JsonObject
        {
            ["nodeAffinity"] = new JsonObject
            {
                ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
                {
                    ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                    {
                        ["matchExpressions"] = new JsonArray(new JsonObject
                        {
                            ["key"] = HostnameLabel,
                            ["operator"] = "In",
                            ["values"] = new JsonArray(node.Hostname),
                        }),
                    }),
                },
            },
        };
        pod["tolerations"] = new JsonArray(new JsonObject { ["operator"] = "Exists" });

        var container = (JsonObject)pod["containers"]!.AsArray().Single(c => (string?)c!["name"] == ContainerName)!;
        container["image"] = image;
        container["command"] = Command(container, benchmark);
        return job;
    }

    /// <summary>Upstream's command with our benchmark in place of its aks-1.7, and --json so the log is the JSON output.</summary>
    private static JsonArray Command(JsonObject container, string benchmark)
    {
        var args = container["command"]!.AsArray().Select(a => (string)a!).ToList();
        var at = args.IndexOf("--benchmark");
        args[at + 1] = benchmark;
        args.Add("--json");
        return new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
    }

    private static JsonObject LoadTemplate()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ManifestResource)
            ?? throw new InvalidOperationException($"The embedded manifest {ManifestResource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return ManifestYaml.Parse(reader.ReadToEnd(), "job-aks.yaml").Single(o => (string?)o["kind"] == "Job");
    }
}
