using AksSecurity.Engine.Checks;

namespace AksSecurity.Engine.Reports;

/// <summary>Settings of one report: when and by what it was made, where check help lives, and how offline paths are shown.</summary>
public sealed class ReportOptions
{
    /// <summary>The project's check catalogue page; a check's help is this page with the lower-case id as fragment (its heading).</summary>
    public static readonly Uri DefaultDocumentationUri = new("https://github.com/aks-security/AksSecurity/blob/main/" + Documentation.CatalogPage);

    public string Title { get; init; } = "AKS security report";

    public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The module version written into the reports; defaults to the engine's own version.</summary>
    public string ToolVersion { get; init; } = SecurityReport.EngineVersion;

    /// <summary>A check's title, severity, category, rationale and fix by id; the check catalogue unless told otherwise.</summary>
    public Func<string, SecurityCheck?>? CheckLookup { get; init; } = CheckCatalog.Find;

    public Uri DocumentationUri { get; init; } = DefaultDocumentationUri;

    /// <summary>
    /// The folder offline document paths are made relative to in SARIF (the repository root in CI), so GitHub code
    /// scanning can place the alerts on the files; paths outside it stay absolute file URIs.
    /// </summary>
    public string? SourceRoot { get; init; }
}
