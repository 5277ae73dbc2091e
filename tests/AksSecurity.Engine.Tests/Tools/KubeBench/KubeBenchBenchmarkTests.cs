using AksSecurity.Engine.Tools.KubeBench;

namespace AksSecurity.Engine.Tests.Tools.KubeBench;

public class KubeBenchBenchmarkTests
{
    [Theory]
    [InlineData("v1.19.0", "aks-1.0")]
    [InlineData("v1.24.17", "aks-1.0")]
    [InlineData("v1.25.3", "aks-1.8")]
    [InlineData("v1.28.15", "aks-1.8")]
    [InlineData("v1.29.0", "aks-1.7")]
    [InlineData("v1.30.4-aks.1", "aks-1.7")]
    [InlineData("1.31", "aks-1.7")]
    [InlineData("v1.32.1", "aks-1.8")]
    [InlineData("v1.35.0+k3s1", "aks-1.8")]
    [InlineData("v1.18.20", "aks-1.8")]
    public void The_benchmark_follows_kube_bench_for_the_version(string version, string benchmark) =>
        Assert.Equal(benchmark, KubeBenchBenchmark.ForKubernetesVersion(version));

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("v2.1.0")]
    public void A_version_that_names_no_benchmark_asks_for_benchmark(string version)
    {
        var error = Assert.Throws<AksSecurityException>(() => KubeBenchBenchmark.ForKubernetesVersion(version));

        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains("-Benchmark", error.Message);
    }

    [Fact]
    public void Benchmark_values_are_validated_and_spelled_as_kube_bench_spells_them()
    {
        Assert.Equal("aks-1.7", KubeBenchBenchmark.Validate("AKS-1.7"));
        var error = Assert.Throws<AksSecurityException>(() => KubeBenchBenchmark.Validate("cis-1.8"));
        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("aks-1.0, aks-1.7, aks-1.8", error.Message);
    }
}
