namespace AksSecurity.Engine.Tools.KubeBench;

/// <summary>
/// What Invoke-AksKubeBench (or Test-AksSecurity -IncludeNode) asks for, validated when made: nothing is sent for a request
/// that cannot run.
/// </summary>
public sealed class KubeBenchRequest
{
    public const int DefaultThrottleLimit = 5;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaximumTimeout = TimeSpan.FromHours(24);

    public KubeBenchRequest(IReadOnlyList<string>? nodeNames = null, string? nodeSelector = null, string? benchmark = null, string? image = null,
        string? imageRegistry = null, string? ns = null, int throttleLimit = DefaultThrottleLimit, TimeSpan? timeout = null)
    {
        NodeNames = (nodeNames ?? Array.Empty<string>()).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToArray();
        NodeSelector = string.IsNullOrWhiteSpace(nodeSelector) ? null : nodeSelector.Trim();
        Benchmark = benchmark is null ? null : KubeBenchBenchmark.Validate(benchmark);
        Image = KubeBenchManifests.ResolveImage(image, imageRegistry);
        Namespace = KubeBenchManifests.ValidateNamespace(ns ?? KubeBenchManifests.DefaultNamespace);
        ThrottleLimit = throttleLimit is >= 1 and <= 100 ? throttleLimit
            : throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-ThrottleLimit must be between 1 and 100, not {throttleLimit}.", "ThrottleLimit");
        Timeout = timeout ?? DefaultTimeout;
        if (Timeout < TimeSpan.FromSeconds(1) || Timeout > MaximumTimeout)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-Timeout must be between 1 second and 24 hours, not {Timeout}.", "Timeout");
        }
    }

    /// <summary>Node names or wildcard patterns; empty for every Linux node.</summary>
    public IReadOnlyList<string> NodeNames { get; }

    /// <summary>A label selector (as kubectl -l takes it) the nodes must match; null for all.</summary>
    public string? NodeSelector { get; }

    /// <summary>The benchmark asked for; null to pick it from the cluster's Kubernetes version.</summary>
    public string? Benchmark { get; }

    public string Image { get; }
    public string Namespace { get; }
    public int ThrottleLimit { get; }

    /// <summary>How long one node's Job may take, from its creation to its end (also its activeDeadlineSeconds).</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How often a running Job is read; tests shorten it.</summary>
    internal TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
}
