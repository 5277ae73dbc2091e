using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// SARIF 2.1.0 (OASIS errata 01 schema) for GitHub code scanning and the Azure DevOps SARIF viewer: one rule per check,
/// one result per finding. GitHub rejects results without a physical location, so a live cluster's location is its
/// resource id as an artifact (uriBaseId AZURE_RESOURCE_ID) and an offline one is the document file, on the line of
/// the setting. The cluster is also a logical location of kind "resource".
/// </summary>
public sealed class SarifReportWriter : IReportWriter
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    public const string ToolInformationUri = "https://github.com/aks-security/AksSecurity";
    public const string SourceRootBaseId = "%SRCROOT%";
    public const string ResourceBaseId = "AZURE_RESOURCE_ID";

    public ReportFormat Format => ReportFormat.Sarif;
    public string DefaultFileName => "aks-security.sarif";

    public void Write(SecurityReport report, Stream output)
    {
        var locations = new LocationResolver(report.Options.SourceRoot);
        // Suppressed findings are results too, marked as accepted, so code scanning shows them as dismissed rather than fixed.
        var results = report.Clusters.SelectMany(c => c.Findings.Select(f => (Cluster: c, Finding: f, Suppression: (SuppressedFinding?)null))
                .Concat(c.Suppressed.Select(s => (Cluster: c, Finding: s.Finding, Suppression: (SuppressedFinding?)s))))
            .Select(r => (r.Cluster, r.Finding, r.Suppression, Location: locations.Resolve(r.Cluster, r.Finding)))
            .ToList();

        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("$schema", SchemaUri);
        json.WriteString("version", "2.1.0");
        json.WriteStartArray("runs");
        json.WriteStartObject();

        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", "AksSecurity");
        json.WriteString("version", report.ToolVersion);
        json.WriteString("semanticVersion", report.ToolVersion);
        json.WriteString("informationUri", ToolInformationUri);
        json.WriteStartArray("rules");
        foreach (var check in report.Checks)
        {
            WriteRule(json, check);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", true);
        json.WriteString("endTimeUtc", report.GeneratedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"));
        WriteExpiredSuppressions(json, report);
        json.WriteEndObject();
        json.WriteEndArray();

        WriteBaseIds(json, results.Select(r => r.Location).ToList(), locations);

        json.WriteStartArray("results");
        var ruleIndex = report.Checks.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.OrdinalIgnoreCase);
        foreach (var (cluster, finding, suppression, location) in results)
        {
            WriteResult(json, cluster, finding, suppression, location, ruleIndex[finding.CheckId]);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string LevelOf(Severity severity) => severity switch
    {
        Severity.Critical or Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    /// <summary>GitHub's security-severity (0.1–10): over 9 is shown as critical, 7–8.9 high, 4–6.9 medium, below 4 low.</summary>
    public static string? SecuritySeverityOf(Severity severity) => severity switch
    {
        Severity.Critical => "9.5",
        Severity.High => "8.0",
        Severity.Medium => "5.5",
        Severity.Low => "3.0",
        _ => null,
    };

    private static void WriteRule(Utf8JsonWriter json, ReportCheck check)
    {
        json.WriteStartObject();
        json.WriteString("id", check.Id);
        WriteMessage(json, "shortDescription", check.Title);
        WriteMessage(json, "fullDescription", check.Rationale ?? check.Title);
        json.WriteStartObject("help");
        json.WriteString("text", HelpText(check, markdown: false));
        json.WriteString("markdown", HelpText(check, markdown: true));
        json.WriteEndObject();
        json.WriteString("helpUri", check.HelpUri.AbsoluteUri);
        if (check.Severity is { } severity)
        {
            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", LevelOf(severity));
            json.WriteEndObject();
        }

        json.WriteStartObject("properties");
        json.WriteStartArray("tags");
        json.WriteStringValue("security");
        json.WriteStringValue("aks");
        if (check.Category is { Length: > 0 } category)
        {
            json.WriteStringValue(category);
        }

        json.WriteEndArray();
        if (check.Severity is { } level && SecuritySeverityOf(level) is { } score)
        {
            json.WriteString("security-severity", score);
        }

        // The checks read settings, not heuristics: a failure is a fact about the document.
        json.WriteString("precision", "very-high");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string HelpText(ReportCheck check, bool markdown)
    {
        var text = new StringBuilder();
        text.Append(markdown ? $"**{check.Id}** {check.Title}" : $"{check.Id}: {check.Title}");
        if (check.Rationale is { Length: > 0 } why)
        {
            text.Append("\n\n").Append(why);
        }

        if (check.Remediation is { Length: > 0 } fix)
        {
            text.Append("\n\n").Append("Fix: ").Append(fix);
            if (check.FixedBy is { } cmdlet)
            {
                text.Append(markdown ? $" (`{cmdlet}`)" : $" ({cmdlet})");
            }
        }

        text.Append("\n\n").Append(markdown ? $"[{check.Id} in the check catalogue]({check.HelpUri.AbsoluteUri})" : $"More: {check.HelpUri.AbsoluteUri}");
        return text.ToString();
    }

    private static void WriteResult(Utf8JsonWriter json, ReportCluster cluster, Finding finding, SuppressedFinding? suppression, ResultLocation location, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.CheckId);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", LevelOf(finding.Severity));
        WriteMessage(json, "message", $"{cluster.DisplayName}: {finding.Title}. {finding.Evidence} Fix: {finding.Remediation}");

        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", location.Uri);
        if (location.BaseId is not null)
        {
            json.WriteString("uriBaseId", location.BaseId);
        }

        json.WriteEndObject();
        if (location.Line is { } line)
        {
            json.WriteStartObject("region");
            json.WriteNumber("startLine", line);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteStartArray("logicalLocations");
        json.WriteStartObject();
        json.WriteString("name", cluster.Name);
        json.WriteString("fullyQualifiedName", cluster.Id);
        json.WriteString("kind", "resource");
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();

        // GitHub matches alerts across runs on this key; left out, upload-sarif hashes the text of the line instead,
        // which moves when the file changes. One cluster and one check make one alert; a check that failed several
        // ways on one cluster (two wide ranges) is told apart by its evidence.
        if (suppression is not null)
        {
            json.WriteStartArray("suppressions");
            json.WriteStartObject();
            json.WriteString("kind", "external");
            json.WriteString("status", "accepted");
            json.WriteString("justification", suppression.Reason);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteStartObject("partialFingerprints");
        var several = cluster.Findings.Concat(cluster.Suppressed.Select(s => s.Finding)).Count(f => string.Equals(f.CheckId, finding.CheckId, StringComparison.OrdinalIgnoreCase)) > 1;
        json.WriteString("primaryLocationLineHash", Fingerprint(cluster.Id, finding.CheckId, several ? finding.Evidence : null));
        json.WriteEndObject();

        json.WriteStartObject("properties");
        json.WriteString("severity", finding.Severity.ToString());
        json.WriteString("clusterId", cluster.Id);
        json.WriteString("clusterName", cluster.Name);
        json.WriteString("source", cluster.Source);
        if (finding.JsonPath is not null)
        {
            json.WriteString("jsonPath", finding.JsonPath);
        }

        json.WriteString("evidence", finding.Evidence);
        json.WriteString("remediation", finding.Remediation);
        if (suppression?.Expires is { } expires)
        {
            json.WriteString("suppressionExpires", expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteExpiredSuppressions(Utf8JsonWriter json, SecurityReport report)
    {
        // An expired suppression is a configuration problem of the run: said once per cluster it no longer covers.
        var expired = report.Clusters.SelectMany(c => c.ExpiredSuppressions.Select(s => (Cluster: c, Suppression: s))).ToList();
        if (expired.Count == 0)
        {
            return;
        }

        json.WriteStartArray("toolConfigurationNotifications");
        foreach (var (cluster, suppression) in expired)
        {
            json.WriteStartObject();
            json.WriteString("level", "warning");
            WriteMessage(json, "message", $"{cluster.DisplayName}: the suppression of {suppression.CheckId} ({suppression.Reason}) expired {Expiry(suppression.Expires)} and was not honoured.");
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string Expiry(DateTimeOffset? expires) => expires is { } at ? "on " + at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'") : "";

    /// <summary>A stable hash of a cluster and check (and, for a check with several findings, the finding's evidence).</summary>
    public static string Fingerprint(string clusterId, string checkId, string? evidence)
    {
        var key = $"{clusterId.ToLowerInvariant()}|{checkId.ToUpperInvariant()}" + (evidence is null ? "" : "|" + evidence);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant()[..32];
    }

    private static void WriteBaseIds(Utf8JsonWriter json, List<ResultLocation> used, LocationResolver locations)
    {
        var sourceRoot = used.Any(l => l.BaseId == SourceRootBaseId);
        var resources = used.Any(l => l.BaseId == ResourceBaseId);
        if (!sourceRoot && !resources)
        {
            return;
        }

        json.WriteStartObject("originalUriBaseIds");
        if (sourceRoot)
        {
            json.WriteStartObject(SourceRootBaseId);
            json.WriteString("uri", locations.SourceRootUri);
            json.WriteEndObject();
        }

        if (resources)
        {
            json.WriteStartObject(ResourceBaseId);
            WriteMessage(json, "description", "Azure Resource Manager: the artifact is the resource whose id is the uri with a leading '/'.");
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter json, string name, string text)
    {
        json.WriteStartObject(name);
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private sealed record ResultLocation(string Uri, string? BaseId, int? Line);

    /// <summary>Turns a cluster's source into an artifact location, reading each offline file once for line numbers.</summary>
    private sealed class LocationResolver(string? sourceRoot)
    {
        private readonly string? _root = sourceRoot is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceRoot));
        private readonly Dictionary<string, JsonLineLocator?> _files = new(StringComparer.Ordinal);

        public string SourceRootUri => new Uri(_root + Path.DirectorySeparatorChar).AbsoluteUri;

        public ResultLocation Resolve(ReportCluster cluster, Finding finding)
        {
            if (cluster.IsLive)
            {
                return new ResultLocation(EscapePath(cluster.Id.TrimStart('/')), ResourceBaseId, null);
            }

            var document = DocumentLocation.Parse(cluster.Source);
            var file = Path.GetFullPath(document.File);
            if (!_files.TryGetValue(file, out var locator))
            {
                _files[file] = locator = JsonLineLocator.TryLoad(file);
            }

            var line = locator?.LineOf(document.Entry, finding.JsonPath);
            if (_root is not null)
            {
                var relative = Path.GetRelativePath(_root, file);
                if (!Path.IsPathRooted(relative) && relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    return new ResultLocation(EscapePath(relative.Replace(Path.DirectorySeparatorChar, '/')), SourceRootBaseId, line);
                }
            }

            return new ResultLocation(new Uri(file).AbsoluteUri, null, line);
        }

        private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
    }
}
