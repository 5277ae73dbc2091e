using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Tools.KubeBench;

/// <summary>
/// The AKS benchmarks of kube-bench v0.15.6 (cfg/config.yaml version_mapping) and the one it picks for a Kubernetes version
/// (cmd/util.go aksBenchmark): 1.19–1.24 → aks-1.0, 1.29–1.31 → aks-1.7, anything else → aks-1.8.
/// </summary>
public static class KubeBenchBenchmark
{
    public const string Aks10 = "aks-1.0";
    public const string Aks17 = "aks-1.7";
    public const string Aks18 = "aks-1.8";

    /// <summary>The values -Benchmark accepts.</summary>
    public static IReadOnlyList<string> All { get; } = new[] { Aks10, Aks17, Aks18 };

    /// <summary>The benchmark for a version as the API server reports it ("v1.31.2", "v1.30.4-aks.1", "1.29").</summary>
    public static string ForKubernetesVersion(string version)
    {
        // Build metadata and pre-release suffixes ("-aks.1", "+k3s1") say nothing about the minor version.
        var core = version.Trim().Split('-', '+')[0];
        if (!KubernetesVersionNumber.TryParse(core, out var parsed) || parsed.Major != 1)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData,
                $"The cluster reports Kubernetes version '{version}', which names no benchmark; pass -Benchmark ({string.Join(", ", All)}).", version);
        }

        return parsed.Minor switch
        {
            >= 19 and <= 24 => Aks10,
            >= 29 and <= 31 => Aks17,
            _ => Aks18,
        };
    }

    /// <summary>A -Benchmark value in kube-bench's spelling, or InvalidArgument naming the valid ones.</summary>
    public static string Validate(string benchmark) =>
        All.FirstOrDefault(b => string.Equals(b, benchmark.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
            $"'{benchmark}' is not a kube-bench AKS benchmark; use {string.Join(", ", All)}.", "Benchmark");
}
