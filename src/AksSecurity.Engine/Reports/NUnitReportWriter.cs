using System.Globalization;
using System.Xml;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// NUnit 3 test results (the test-run element of nunit's TestResult.xsd) as Azure DevOps "Publish Test Results" reads
/// them: its NUnit 3 reader takes the test cases under each test-suite of type Assembly and needs a start-time on the
/// test-run. One Assembly suite per cluster (its name becomes the test storage), one test case per check that ran.
/// </summary>
public sealed class NUnitReportWriter : IReportWriter
{
    public ReportFormat Format => ReportFormat.NUnit;
    public string DefaultFileName => "aks-security.nunit.xml";

    public void Write(SecurityReport report, Stream output)
    {
        var time = report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using var xml = XmlWriter.Create(output, TestReportText.XmlSettings);
        xml.WriteStartDocument();
        xml.WriteStartElement("test-run");
        xml.WriteAttributeString("id", "0");
        xml.WriteAttributeString("name", TestReportText.XmlSafe(report.Title));
        xml.WriteAttributeString("fullname", TestReportText.XmlSafe(report.Title));
        WriteCounts(xml, report.Clusters.Sum(c => c.Checks.Count), report.ChecksPassed, report.ChecksFailed, report.ChecksSuppressed + report.ChecksSkipped);
        xml.WriteAttributeString("result", report.ChecksFailed > 0 ? "Failed" : "Passed");
        xml.WriteAttributeString("random-seed", "0");
        WriteTimes(xml, time);
        xml.WriteElementString("command-line", "Export-AksSecurityReport -Format NUnit");
        // Required by the schema; no filter was applied.
        xml.WriteElementString("filter", "");

        var suiteId = 0;
        foreach (var cluster in report.Clusters)
        {
            suiteId++;
            xml.WriteStartElement("test-suite");
            xml.WriteAttributeString("type", "Assembly");
            xml.WriteAttributeString("id", suiteId.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("name", TestReportText.XmlSafe(cluster.DisplayName));
            xml.WriteAttributeString("fullname", TestReportText.XmlSafe(cluster.Id));
            xml.WriteAttributeString("runstate", "Runnable");
            xml.WriteAttributeString("result", cluster.FailedCount > 0 ? "Failed" : "Passed");
            if (cluster.FailedCount > 0)
            {
                xml.WriteAttributeString("site", "Child");
            }

            WriteCounts(xml, cluster.Checks.Count, cluster.PassedCount, cluster.FailedCount, cluster.SuppressedCount + cluster.SkippedCount);
            WriteTimes(xml, time);

            xml.WriteStartElement("properties");
            WriteProperty(xml, "ClusterId", cluster.Id);
            WriteProperty(xml, "Source", cluster.Source);
            WriteProperty(xml, "Score", cluster.Score?.ToString(CultureInfo.InvariantCulture) ?? "");
            xml.WriteEndElement();
            if (cluster.FailedCount > 0)
            {
                xml.WriteStartElement("failure");
                xml.WriteElementString("message", $"{cluster.FailedCount} of {cluster.ChecksRun} checks failed");
                xml.WriteEndElement();
            }

            var caseId = 0;
            foreach (var outcome in cluster.Checks)
            {
                WriteTestCase(xml, cluster, outcome, $"{suiteId}-{++caseId}", time);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteTestCase(XmlWriter xml, ReportCluster cluster, CheckOutcome outcome, string id, string time)
    {
        xml.WriteStartElement("test-case");
        xml.WriteAttributeString("id", id);
        xml.WriteAttributeString("name", TestReportText.XmlSafe(TestReportText.TestName(outcome.Check)));
        xml.WriteAttributeString("fullname", TestReportText.XmlSafe($"{cluster.DisplayName}.{outcome.Check.Id}"));
        xml.WriteAttributeString("methodname", outcome.Check.Id);
        xml.WriteAttributeString("classname", TestReportText.XmlSafe(cluster.DisplayName));
        // Suppressed and skipped checks are Skipped (Azure DevOps: Not executed), with the reason; a skipped one never ran.
        xml.WriteAttributeString("runstate", outcome.State == CheckState.Skipped ? "Skipped" : "Runnable");
        xml.WriteAttributeString("seed", "0");
        xml.WriteAttributeString("result", outcome.State switch { CheckState.Passed => "Passed", CheckState.Failed => "Failed", _ => "Skipped" });
        if (outcome.State is CheckState.Suppressed or CheckState.Skipped)
        {
            xml.WriteAttributeString("label", outcome.State == CheckState.Suppressed ? "Suppressed" : "NotRun");
        }

        WriteTimes(xml, time);
        xml.WriteAttributeString("asserts", "0");

        xml.WriteStartElement("properties");
        if (outcome.Severity is { } severity)
        {
            WriteProperty(xml, "Severity", severity.ToString());
        }

        if (outcome.Check.Category is { Length: > 0 } category)
        {
            WriteProperty(xml, "Category", category);
        }

        WriteProperty(xml, "HelpUri", outcome.Check.HelpUri.AbsoluteUri);
        xml.WriteEndElement();

        if (outcome.State == CheckState.Failed)
        {
            xml.WriteStartElement("failure");
            xml.WriteElementString("message", TestReportText.XmlSafe(TestReportText.FailureMessage(outcome)));
            xml.WriteEndElement();
        }
        else if (outcome.State is CheckState.Suppressed or CheckState.Skipped)
        {
            xml.WriteStartElement("reason");
            xml.WriteElementString("message", TestReportText.XmlSafe(TestReportText.SkipMessage(outcome)));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteCounts(XmlWriter xml, int total, int passed, int failed, int skipped)
    {
        foreach (var (name, value) in new[]
        {
            ("testcasecount", total), ("total", total), ("initiated", total), ("completed", total), ("passed", passed), ("failed", failed),
            ("warnings", 0), ("inconclusive", 0), ("skipped", skipped), ("asserts", 0),
        })
        {
            xml.WriteAttributeString(name, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteTimes(XmlWriter xml, string time)
    {
        xml.WriteAttributeString("start-time", time);
        xml.WriteAttributeString("end-time", time);
        xml.WriteAttributeString("duration", "0");
    }

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", TestReportText.XmlSafe(value));
        xml.WriteEndElement();
    }
}
