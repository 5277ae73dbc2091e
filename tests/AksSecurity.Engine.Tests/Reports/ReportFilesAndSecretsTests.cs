using System.Text.Json.Nodes;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Reports;

public sealed class ReportFilesAndSecretsTests : IDisposable
{
    // Shaped like a bearer token: what a leak of document content into a report would show.
    private const string Token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tLyJ9.c2VjcmV0LXNpZ25hdHVyZQ";

    private readonly string _folder = Directory.CreateTempSubdirectory("aks-reports-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Reports_hold_only_what_the_findings_hold()
    {
        // A token where no check looks (a service principal secret, a tag) and the documents on disk for the SARIF lines.
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(ExampleClusters.ExamplesDirectory, "dev-open.json")))!;
        document["properties"]!["servicePrincipalProfile"] = new JsonObject { ["clientId"] = "msi", ["secret"] = Token };
        document["tags"] = new JsonObject { ["deployToken"] = Token };
        File.WriteAllText(Path.Combine(_folder, "dev-open.json"), document.ToJsonString());

        var results = ReportFixtures.OfflineResults(_folder);
        Assert.NotEmpty(results.SelectMany(r => r.Findings));
        var report = SecurityReport.Create(results, new ReportOptions { SourceRoot = _folder });
        foreach (var format in Enum.GetValues<ReportFormat>())
        {
            var text = ReportWriters.Render(report, format);
            Assert.DoesNotContain(Token, text);
            Assert.DoesNotContain("c2VjcmV0LXNpZ25hdHVyZQ", text);
        }
    }

    [Fact]
    public void A_file_is_written_whole_and_replaces_an_older_one()
    {
        var path = Path.Combine(_folder, "aks-security.sarif");
        File.WriteAllText(path, "old");

        var file = ReportWriters.WriteFile(ReportFixtures.OfflineReport(), ReportFormat.Sarif, path);

        Assert.Equal(path, file.FullName);
        Assert.Equal(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Sarif), File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
    }

    [Fact]
    public void A_missing_folder_is_an_error_naming_the_path_and_leaves_nothing_behind()
    {
        var path = Path.Combine(_folder, "missing", "report.html");
        var error = Assert.Throws<AksSecurityException>(() => ReportWriters.WriteFile(ReportFixtures.OfflineReport(), ReportFormat.Html, path));

        Assert.Equal(AksErrorKind.OperationFailed, error.Kind);
        Assert.Equal(path, error.Target);
        Assert.Contains("Html report", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("r.sarif", ReportFormat.Sarif)]
    [InlineData("R.JSON", ReportFormat.Json)]
    [InlineData("summary.md", ReportFormat.Markdown)]
    [InlineData("page.htm", ReportFormat.Html)]
    [InlineData("results.xml", null)]
    [InlineData("report", null)]
    public void File_names_imply_a_format_where_they_can(string name, ReportFormat? format) => Assert.Equal(format, ReportWriters.FormatOf(name));

    [Fact]
    public void Every_format_has_its_own_default_file_name()
    {
        var names = Enum.GetValues<ReportFormat>().Select(f => ReportWriters.For(f).DefaultFileName).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(Enum.GetValues<ReportFormat>(), f => Assert.Equal(f, ReportWriters.For(f).Format));
    }
}
