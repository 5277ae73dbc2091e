using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Reports;

/// <summary>A reader of any report can find the full explanation of each finding: its check's section of docs/checks.md.</summary>
public sealed class CheckSectionInReportsTests
{
    public static TheoryData<ReportFormat> Formats => new(Enum.GetValues<ReportFormat>());

    [Theory]
    [MemberData(nameof(Formats))]
    public void Every_failed_check_links_its_catalogue_section(ReportFormat format)
    {
        var report = ReportFixtures.OfflineReport();
        var text = ReportWriters.Render(report, format);
        var failed = report.Clusters.SelectMany(c => c.Checks).Where(o => o.State == CheckState.Failed).Select(o => o.Check).DistinctBy(c => c.Id).ToList();

        Assert.NotEmpty(failed);
        foreach (var check in failed)
        {
            Assert.EndsWith($"{Documentation.CatalogPage}#{check.Id.ToLowerInvariant()}", check.HelpUri.AbsoluteUri);
            // HTML and XML escape nothing in these URLs, so the plain text must appear.
            Assert.Contains(check.HelpUri.AbsoluteUri, text);
        }
    }

    [Fact]
    public void A_finding_names_its_section()
    {
        var finding = new Finding("AKS-API-002", Severity.Critical, "t", "e", "r");
        Assert.Equal("docs/checks.md#aks-api-002", finding.DocumentationUrl);
    }
}
