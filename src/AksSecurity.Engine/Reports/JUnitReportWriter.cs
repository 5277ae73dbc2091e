using System.Globalization;
using System.Xml;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// JUnit XML valid against the Ant JUnit schema (windyroad JUnit.xsd, the stricter: properties, system-out and
/// system-err required, package and id on each aggregated testsuite), and against the Jenkins junit-4 schema except for
/// the message attribute of skipped (which Azure DevOps shows as the reason). Azure DevOps takes a failure's message
/// attribute as the error message and its text as the stack trace; the testcase's classname (the cluster) becomes the
/// test storage. One testsuite per cluster, one testcase per selected check: failed, passed, or skipped (suppressed, or
/// no verdict) with the reason.
/// </summary>
public sealed class JUnitReportWriter : IReportWriter
{
    public ReportFormat Format => ReportFormat.JUnit;
    public string DefaultFileName => "aks-security.junit.xml";

    public void Write(SecurityReport report, Stream output)
    {
        // The Ant schema's timestamp has no zone: UTC, said so in the suite's properties.
        var timestamp = report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        using var xml = XmlWriter.Create(output, TestReportText.XmlSettings);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        var id = 0;
        foreach (var cluster in report.Clusters)
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", Token(cluster.DisplayName));
            xml.WriteAttributeString("package", Token(cluster.Id));
            xml.WriteAttributeString("id", (id++).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("timestamp", timestamp);
            xml.WriteAttributeString("hostname", "localhost");
            xml.WriteAttributeString("tests", cluster.Checks.Count.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", cluster.FailedCount.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", (cluster.SuppressedCount + cluster.SkippedCount).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", "0");

            xml.WriteStartElement("properties");
            WriteProperty(xml, "clusterId", cluster.Id);
            WriteProperty(xml, "source", cluster.Source);
            WriteProperty(xml, "score", cluster.Score?.ToString(CultureInfo.InvariantCulture) ?? "");
            WriteProperty(xml, "timestampZone", "UTC");
            xml.WriteEndElement();

            foreach (var outcome in cluster.Checks)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("name", Token(TestReportText.TestName(outcome.Check)));
                xml.WriteAttributeString("classname", Token(cluster.DisplayName));
                xml.WriteAttributeString("time", "0");
                if (outcome.State is CheckState.Suppressed or CheckState.Skipped)
                {
                    var reason = TestReportText.XmlSafe(TestReportText.SkipMessage(outcome));
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", reason);
                    xml.WriteString(reason);
                    xml.WriteEndElement();
                }
                else if (outcome.State == CheckState.Failed)
                {
                    var message = TestReportText.XmlSafe(TestReportText.FailureMessage(outcome));
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", message);
                    xml.WriteAttributeString("type", outcome.Severity?.ToString() ?? "Failure");
                    xml.WriteString(message);
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            var score = cluster.Score is { } value ? $" (score {value})" : "";
            xml.WriteElementString("system-out", TestReportText.XmlSafe(
                $"{cluster.DisplayName}: {cluster.FailedCount} of {cluster.ChecksRun} checks failed{score}, {cluster.SuppressedCount} suppressed, {cluster.SkippedCount} not run. Source: {cluster.Source}"));
            xml.WriteElementString("system-err", "");
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    // xs:token: no line breaks, tabs, leading, trailing or repeated spaces.
    private static string Token(string text) => string.Join(' ', TestReportText.XmlSafe(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static void WriteProperty(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", TestReportText.XmlSafe(value));
        xml.WriteEndElement();
    }
}
