using System.Globalization;
using System.Text;
using System.Xml;

namespace AksSecurity.Engine.Reports;

/// <summary>What the NUnit and JUnit reports say about a check: one test case per check per cluster.</summary>
internal static class TestReportText
{
    /// <summary>The test case's title: id and title, so a list of failures reads without opening each one.</summary>
    public static string TestName(ReportCheck check) => check.Title == check.Id ? check.Id : $"{check.Id} {check.Title}";

    /// <summary>Every finding of the check (severity, title, evidence, fix, JSON path), then the check's section of docs/checks.md.</summary>
    public static string FailureMessage(CheckOutcome outcome) => string.Join("\n\n", outcome.Findings.Select(f =>
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{f.Severity}: {f.Title}\n");
        text.Append(CultureInfo.InvariantCulture, $"Evidence: {f.Evidence}\n");
        text.Append(CultureInfo.InvariantCulture, $"Fix: {f.Remediation}");
        if (f.JsonPath is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nJSON path: {f.JsonPath}");
        }

        return text.ToString();
    })) + $"\n\nMore: {outcome.Check.HelpUri.AbsoluteUri}";

    /// <summary>Why a check is reported as skipped: the suppression's reason and expiry with what it accepts, or why it gave no verdict.</summary>
    public static string SkipMessage(CheckOutcome outcome) => outcome.State == CheckState.Suppressed
        ? $"Suppressed: {outcome.Reason}" + (outcome.Expires is { } expires ? $" (until {expires.UtcDateTime:yyyy-MM-dd HH:mm} UTC)" : "") + "\n\n" + FailureMessage(outcome)
        : $"Not run: {outcome.Reason}";

    public static XmlWriterSettings XmlSettings => new() { Indent = true, Encoding = ReportWriters.Utf8NoBom, NewLineChars = "\n" };

    /// <summary>Text XML 1.0 can carry: characters it forbids (control characters from a document) become U+FFFD.</summary>
    public static string XmlSafe(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                safe.Append(text, i++, 2);
            }
            else
            {
                safe.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
            }
        }

        return safe.ToString();
    }
}
