using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using AksSecurity.Engine.Reports;
using AksSecurity.Engine.Tests.TestData;
using static AksSecurity.Engine.Tests.Reports.SecurityReportTests;

namespace AksSecurity.Engine.Tests.Reports;

public class HtmlReportWriterTests
{
    private const string Id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-prod";
    private const string Docs = "https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#";

    // The page is polyglot markup: well-formed XML as well as HTML, so an XML parser proves it is well formed.
    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    [Fact]
    public void Page_is_well_formed()
    {
        var html = ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Html);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"en\">", html);
        var page = Parse(html);
        Assert.Equal("html", page.Root!.Name.LocalName);
        Assert.Single(page.Descendants("style"));
        Assert.Single(page.Descendants("script"));
    }

    [Fact]
    public void Page_fetches_nothing_and_links_only_to_the_check_documentation()
    {
        var html = ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Html);
        var page = Parse(html);

        Assert.DoesNotContain(page.Descendants(), e => e.Attribute("src") is not null);
        Assert.Empty(page.Descendants("link"));
        Assert.Empty(page.Descendants("iframe"));
        Assert.DoesNotContain("url(", html);
        Assert.DoesNotContain("@import", html);
        // The attributes a browser loads from are links to the check catalogue, and nothing else.
        var loading = new[] { "src", "srcset", "href", "action", "formaction", "poster", "data", "background", "cite", "manifest" };
        var addressed = page.Descendants().Attributes().Where(a => loading.Contains(a.Name.LocalName)).ToList();
        Assert.NotEmpty(addressed);
        Assert.All(addressed, a =>
        {
            Assert.Equal("href", a.Name.LocalName);
            Assert.StartsWith(Docs, a.Value);
        });
    }

    [Fact]
    public void Content_security_policy_allows_exactly_the_inline_style_and_script()
    {
        var page = Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Html));
        var policy = (string)page.Descendants("meta").Single(m => (string?)m.Attribute("http-equiv") == "Content-Security-Policy").Attribute("content")!;
        string Hash(string text) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

        Assert.StartsWith("default-src 'none';", policy);
        Assert.Contains($"style-src '{Hash(page.Descendants("style").Single().Value)}'", policy);
        Assert.Contains($"script-src '{Hash(page.Descendants("script").Single().Value)}'", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.DoesNotContain(page.Descendants(), e => e.Attribute("style") is not null || e.Attributes().Any(a => a.Name.LocalName.StartsWith("on", StringComparison.Ordinal)));
    }

    [Fact]
    public void Page_shows_each_finding_with_evidence_and_fix_and_a_score_per_cluster()
    {
        var report = ReportFixtures.OfflineReport();
        var page = Parse(ReportWriters.Render(report, ReportFormat.Html));
        var rows = page.Descendants("tbody").Single().Elements("tr").ToList();

        Assert.Equal(report.FindingCount, rows.Count);
        foreach (var (cluster, finding) in report.AllFindings())
        {
            Assert.Contains(rows, row => row.Value.Contains(finding.Title) && row.Value.Contains(finding.Evidence) && row.Value.Contains(finding.Remediation)
                && (string?)row.Attribute("data-cluster") == cluster.DisplayName);
        }

        var cards = page.Descendants("article").ToList();
        Assert.Equal(report.Clusters.Count, cards.Count);
        foreach (var cluster in report.Clusters)
        {
            var card = cards.Single(c => c.Descendants("h3").Single().Value == cluster.DisplayName);
            Assert.Equal($"Score {cluster.Score} percent", (string?)card.Descendants("svg").First().Attribute("aria-label"));
        }
    }

    [Fact]
    public void Severity_chart_is_inline_svg_with_a_bar_per_severity()
    {
        var report = ReportFixtures.OfflineReport();
        var page = Parse(ReportWriters.Render(report, ReportFormat.Html));
        var chart = page.Descendants().First(e => e.Name.LocalName == "svg" && ((string?)e.Attribute("aria-label"))?.StartsWith("Findings by severity", StringComparison.Ordinal) == true);

        Assert.Equal($"Findings by severity: Critical 1, High {report.FindingsOf(Severity.High)}, Medium {report.FindingsOf(Severity.Medium)}, Low {report.FindingsOf(Severity.Low)}",
            (string?)chart.Attribute("aria-label"));
        Assert.Equal(4, chart.Elements().Count(e => e.Name.LocalName == "rect" && ((string?)e.Attribute("class"))?.StartsWith("fill-", StringComparison.Ordinal) == true));
    }

    [Fact]
    public void Critical_and_high_findings_open_with_their_evidence_and_the_others_show_a_preview()
    {
        var page = Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Html));
        foreach (var row in page.Descendants("tbody").Single().Elements("tr"))
        {
            var details = row.Descendants("details").Single();
            Assert.Equal(int.Parse((string)row.Attribute("data-severity")!) >= (int)Severity.High, details.Attribute("open") is not null);
            Assert.Equal(details.Element("dl")!.Element("dd")!.Value, details.Descendants("span").Single(e => (string?)e.Attribute("class") == "preview").Value);
        }
    }

    [Fact]
    public void Checks_that_fail_on_most_clusters_are_listed_first()
    {
        var failing = (string id, int clusters) => Enumerable.Range(0, clusters).Select(i => Result($"{Id}{i}", $"{Id}{i}", new[] { "AKS-API-005", "AKS-API-006" }, Finding(id, Severity.Low)));
        var report = ReportFixtures.Report(failing("AKS-API-006", 3).Concat(failing("AKS-API-005", 1)).Append(Result(Id + "9", Id + "9", new[] { "AKS-API-005", "AKS-API-006" })));
        var list = Parse(ReportWriters.Render(report, ReportFormat.Html)).Descendants("ol").Single(o => (string?)o.Attribute("class") == "frequent");

        Assert.Equal(new[] { "AKS-API-006", "AKS-API-005" }, list.Elements("li").Select(li => li.Element("a")!.Value));
        Assert.Equal(new[] { "3 of 4 clusters", "1 of 4 clusters" }, list.Elements("li").Select(li => li.Elements("span").Last().Value));
    }

    [Fact]
    public void Findings_table_is_sortable_and_filterable()
    {
        var page = Parse(ReportWriters.Render(ReportFixtures.OfflineReport(), ReportFormat.Html));
        var heads = page.Descendants("th").ToList();
        Assert.Equal(4, heads.Count);
        Assert.All(heads, th => Assert.NotNull(th.Element("button")));
        Assert.All(page.Descendants("tbody").Single().Elements("tr"), row => Assert.All(row.Elements("td"), td => Assert.NotNull(td.Attribute("data-sort"))));
        Assert.NotNull(page.Descendants("input").Single(i => (string?)i.Attribute("id") == "filter"));
        var script = page.Descendants("script").Single().Value;
        Assert.Contains("localeCompare", script);
        Assert.Contains("aria-sort", script);
    }

    [Fact]
    public void Text_from_documents_is_escaped()
    {
        var finding = new Finding("AKS-API-003", Severity.Medium, "<script>alert(1)</script>", "x\" onmouseover=\"alert(2)", "<img src=https://evil.example/x.png>") { JsonPath = "a&b" };
        var html = ReportWriters.Render(ReportFixtures.Report(new[] { Result(Id, Id, new[] { "AKS-API-003" }, finding) }), ReportFormat.Html);
        var page = Parse(html);

        Assert.Single(page.Descendants("script"));
        Assert.Empty(page.Descendants("img"));
        Assert.DoesNotContain("<img", html);
        Assert.Contains(WebUtility.HtmlEncode("<img src=https://evil.example/x.png>"), html);
        Assert.DoesNotContain(page.Descendants(), e => e.Attribute("onmouseover") is not null);
    }

    [Fact]
    public void Report_without_results_and_without_findings_says_so()
    {
        Assert.Contains("No results were given to the report.", ReportWriters.Render(ReportFixtures.Report(Array.Empty<ClusterTestResult>()), ReportFormat.Html));
        var clean = ReportWriters.Render(ReportFixtures.Report(new[] { Result(Id, Id, new[] { "AKS-API-005" }) }), ReportFormat.Html);
        Assert.Contains("Every check passed on every cluster.", clean);
        Parse(clean);
    }
}
