using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Kubernetes;

/// <summary>Files under tests/AksSecurity.Engine.Tests/TestData (read from the repository, see the SOURCE.md files there).</summary>
internal static class KubernetesTestData
{
    public static string Directory { get; } = System.IO.Path.Combine(ReportFixtures.RepositoryRoot, "tests", "AksSecurity.Engine.Tests", "TestData");

    public static string Path(string relative) => System.IO.Path.Combine(Directory, relative);

    public static string Manifest(string file) => File.ReadAllText(Path(System.IO.Path.Combine("kubernetes-manifests", file)));
}
