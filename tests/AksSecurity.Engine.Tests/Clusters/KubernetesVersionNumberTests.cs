using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Clusters;

public class KubernetesVersionNumberTests
{
    [Theory]
    [InlineData("1.30", 1, 30, null)]
    [InlineData("1.30.4", 1, 30, 4)]
    [InlineData("v1.9.6", 1, 9, 6)]
    public void Parses_the_forms_aks_writes(string text, int major, int minor, int? patch)
    {
        Assert.True(KubernetesVersionNumber.TryParse(text, out var version));
        Assert.Equal(new KubernetesVersionNumber(major, minor, patch), version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.x")]
    [InlineData("1.30.4.1")]
    [InlineData("[parameters('version')]")]
    public void Refuses_anything_else(string? text) => Assert.False(KubernetesVersionNumber.TryParse(text, out _));

    [Fact]
    public void Orders_numerically_not_as_text()
    {
        Assert.True(new KubernetesVersionNumber(1, 9, 6) < new KubernetesVersionNumber(1, 23, null));
        Assert.True(new KubernetesVersionNumber(1, 30, null) < new KubernetesVersionNumber(1, 30, 0));
        Assert.True(new KubernetesVersionNumber(2, 0, null) > new KubernetesVersionNumber(1, 99, 9));
    }

    [Fact]
    public void The_catalog_reads_the_published_list_and_skips_previews()
    {
        var catalog = KubernetesVersionCatalog.Parse("location1", ArmExamples.ResponseBody("KubernetesVersions_List.json"));

        Assert.Equal(new[] { "1.23", "1.24", "1.25", "1.26" }, catalog.Versions.Select(v => v.Version.ToString()));
        Assert.True(catalog.Versions[3].IsPreview);
        Assert.Equal("1.23", catalog.OldestSupported("KubernetesOfficial").ToString());
        Assert.Null(catalog.OldestSupported("SomeFuturePlan"));
        Assert.Equal("/subscriptions/s/providers/Microsoft.ContainerService/locations/westeurope/kubernetesVersions",
            KubernetesVersionCatalog.PathFor("s", "westeurope"));
    }

    [Fact]
    public void Long_term_support_clusters_may_also_run_community_versions()
    {
        var catalog = new KubernetesVersionCatalog("l", new[]
        {
            new SupportedKubernetesVersion(new(1, 27, null), false, new[] { "AKSLongTermSupport" }),
            new SupportedKubernetesVersion(new(1, 30, null), false, new[] { "KubernetesOfficial", "AKSLongTermSupport" }),
            new SupportedKubernetesVersion(new(1, 29, null), false, new[] { "KubernetesOfficial" }),
            new SupportedKubernetesVersion(new(1, 28, null), true, new[] { "KubernetesOfficial" }),
        });

        Assert.Equal("1.29", catalog.OldestSupported("KubernetesOfficial").ToString());
        Assert.Equal("1.27", catalog.OldestSupported("AKSLongTermSupport").ToString());
    }
}
