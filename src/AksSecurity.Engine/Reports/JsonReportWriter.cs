using System.Text.Encodings.Web;
using System.Text.Json;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// The results as JSON with stable, camelCase property names (documented in docs/cmdlets/Export-AksSecurityReport.md);
/// severities and results are strings, absent values are null. <see cref="SchemaVersion"/> changes only when a property
/// is renamed or removed.
/// </summary>
public sealed class JsonReportWriter : IReportWriter
{
    public const int SchemaVersion = 1;

    public ReportFormat Format => ReportFormat.Json;
    public string DefaultFileName => "aks-security.json";

    public void Write(SecurityReport report, Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteNumber("schemaVersion", SchemaVersion);
        json.WriteString("title", report.Title);
        json.WriteString("generatedAt", report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        json.WriteStartObject("tool");
        json.WriteString("name", "AksSecurity");
        json.WriteString("version", report.ToolVersion);
        json.WriteEndObject();

        json.WriteStartObject("summary");
        json.WriteNumber("clusters", report.Clusters.Count);
        json.WriteNumber("clustersPassed", report.Clusters.Count(c => c.Passed));
        json.WriteNumber("checksRun", report.ChecksRun);
        json.WriteNumber("checksPassed", report.ChecksPassed);
        json.WriteNumber("checksFailed", report.ChecksFailed);
        json.WriteNumber("checksSuppressed", report.ChecksSuppressed);
        json.WriteNumber("checksSkipped", report.ChecksSkipped);
        json.WriteNumber("findings", report.FindingCount);
        WriteBySeverity(json, report.FindingsOf);
        json.WriteEndObject();

        json.WriteStartArray("clusters");
        foreach (var cluster in report.Clusters)
        {
            WriteCluster(json, cluster);
        }

        json.WriteEndArray();

        json.WriteStartArray("checks");
        foreach (var check in report.Checks)
        {
            json.WriteStartObject();
            json.WriteString("id", check.Id);
            json.WriteString("title", check.Title);
            WriteNullable(json, "severity", check.Severity?.ToString());
            WriteNullable(json, "category", check.Category);
            WriteNullable(json, "rationale", check.Rationale);
            WriteNullable(json, "remediation", check.Remediation);
            WriteNullable(json, "fixedBy", check.FixedBy);
            json.WriteString("helpUri", check.HelpUri.AbsoluteUri);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCluster(Utf8JsonWriter json, ReportCluster cluster)
    {
        json.WriteStartObject();
        json.WriteString("clusterId", cluster.Id);
        json.WriteString("clusterName", cluster.Name);
        json.WriteString("displayName", cluster.DisplayName);
        json.WriteString("source", cluster.Source);
        json.WriteBoolean("live", cluster.IsLive);
        json.WriteBoolean("passed", cluster.Passed);
        if (cluster.Score is { } score)
        {
            json.WriteNumber("score", score);
        }
        else
        {
            json.WriteNull("score");
        }

        WriteNullable(json, "highestSeverity", cluster.HighestSeverity?.ToString());
        json.WriteNumber("checksRun", cluster.ChecksRun);
        json.WriteNumber("checksPassed", cluster.PassedCount);
        json.WriteNumber("checksFailed", cluster.FailedCount);
        json.WriteNumber("checksSuppressed", cluster.SuppressedCount);
        json.WriteNumber("checksSkipped", cluster.SkippedCount);
        WriteBySeverity(json, cluster.FindingsOf);

        json.WriteStartArray("checks");
        foreach (var outcome in cluster.Checks)
        {
            json.WriteStartObject();
            json.WriteString("checkId", outcome.Check.Id);
            json.WriteString("result", outcome.State.ToString());
            WriteNullable(json, "reason", outcome.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("findings");
        foreach (var finding in cluster.Findings)
        {
            json.WriteStartObject();
            WriteFinding(json, finding);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("suppressed");
        foreach (var suppressed in cluster.Suppressed)
        {
            json.WriteStartObject();
            WriteFinding(json, suppressed.Finding);
            json.WriteString("reason", suppressed.Reason);
            WriteNullable(json, "expires", Timestamp(suppressed.Expires));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("expiredSuppressions");
        foreach (var suppression in cluster.ExpiredSuppressions)
        {
            json.WriteStartObject();
            json.WriteString("checkId", suppression.CheckId);
            json.WriteString("cluster", suppression.Cluster);
            json.WriteString("reason", suppression.Reason);
            WriteNullable(json, "expires", Timestamp(suppression.Expires));
            json.WriteString("source", suppression.Source);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFinding(Utf8JsonWriter json, Finding finding)
    {
        json.WriteString("checkId", finding.CheckId);
        json.WriteString("severity", finding.Severity.ToString());
        json.WriteString("title", finding.Title);
        json.WriteString("evidence", finding.Evidence);
        json.WriteString("remediation", finding.Remediation);
        WriteNullable(json, "jsonPath", finding.JsonPath);
    }

    private static string? Timestamp(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private static void WriteBySeverity(Utf8JsonWriter json, Func<Severity, int> count)
    {
        json.WriteStartObject("findingsBySeverity");
        foreach (var severity in Enum.GetValues<Severity>().OrderByDescending(s => s))
        {
            json.WriteNumber(severity.ToString(), count(severity));
        }

        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
