using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Documents;
using AksSecurity.Engine.Reports;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Results to report on, made by the real checks, and the report schemas in TestData/ReportSchemas (see SOURCE.md there).</summary>
internal static class ReportFixtures
{
    public static readonly DateTimeOffset Generated = new(2026, 5, 4, 9, 30, 0, TimeSpan.Zero);

    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(ExampleClusters.ExamplesDirectory, "..", ".."));

    public static string SchemaDirectory => Path.Combine(RepositoryRoot, "tests", "AksSecurity.Engine.Tests", "TestData", "ReportSchemas");

    /// <summary>Every check that runs on a document alone, on one cluster's evidence (one result per checks class, as the Test- cmdlets return them).</summary>
    public static IEnumerable<ClusterTestResult> EvaluateAll(ClusterEvidence evidence)
    {
        yield return ApiAccessChecks.Evaluate(evidence);
        yield return AadRbacChecks.Evaluate(evidence);
        yield return KeyVaultCsiChecks.Evaluate(evidence);
        yield return ClusterConfigurationChecks.Evaluate(evidence);
        yield return UpgradeChecks.Evaluate(evidence);
        yield return MonitoringChecks.Evaluate(evidence);
        yield return DefenderChecks.Evaluate(evidence);
        yield return PolicyChecks.Evaluate(evidence);
    }

    /// <summary>Every example document in examples/clusters, read as the -Path cmdlets read them, through every checks class.</summary>
    public static List<ClusterTestResult> OfflineResults(string? directory = null) =>
        Directory.GetFiles(directory ?? ExampleClusters.ExamplesDirectory, "*.json").Order(StringComparer.Ordinal)
            .SelectMany(ClusterDocumentReader.ReadFile)
            .SelectMany(entry => EvaluateAll(new ClusterEvidence(entry.Document, online: false)))
            .ToList();

    public static ReportOptions Options(Func<string, SecurityCheck?>? lookup = null) =>
        new() { GeneratedAt = Generated, ToolVersion = "0.1.0", CheckLookup = lookup ?? CheckCatalog.Find, SourceRoot = RepositoryRoot };

    public static SecurityReport Report(IEnumerable<ClusterTestResult> results, Func<string, SecurityCheck?>? lookup = null) =>
        SecurityReport.Create(results, Options(lookup));

    /// <summary>Test-AksSecurity's results on every example document, with the given suppressions in force at <see cref="Generated"/>.</summary>
    public static List<AuditResult> AuditResults(params Suppression[] suppressions)
    {
        var audit = new SecurityAudit(suppressions: new SuppressionSet(suppressions), clock: () => Generated);
        return Directory.GetFiles(ExampleClusters.ExamplesDirectory, "*.json").Order(StringComparer.Ordinal)
            .SelectMany(ClusterDocumentReader.ReadFile)
            .Select(entry => audit.Evaluate(new ClusterEvidence(entry.Document, online: false)))
            .ToList();
    }

    public static SecurityReport OfflineReport() => Report(OfflineResults());

    /// <summary>Errors of the SARIF log against the OASIS SARIF 2.1.0 schema (draft-04, so NJsonSchema).</summary>
    public static IReadOnlyList<string> SarifSchemaErrors(string sarif)
    {
        var schema = NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(SchemaDirectory, "sarif-schema-2.1.0.json")).GetAwaiter().GetResult();
        return schema.Validate(sarif).Select(e => $"{e.Path}: {e.Kind} {e.Property}").ToList();
    }

    /// <summary>Errors and warnings of the XML against a schema in TestData/ReportSchemas.</summary>
    public static IReadOnlyList<string> XmlSchemaErrors(string xml, string schemaFile)
    {
        var schemas = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        schemas.Add(null, Path.Combine(SchemaDirectory, schemaFile));
        schemas.Compile();
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas, ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }

    public static XDocument Xml(string text) => XDocument.Parse(text);
}
