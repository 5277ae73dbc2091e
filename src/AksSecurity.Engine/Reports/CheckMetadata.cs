namespace AksSecurity.Engine.Reports;

/// <summary>
/// What a report says about a check beyond its findings: title, default severity, category, why it matters and what
/// fixes it. Reports work without it (titles then come from the findings); the check catalogue supplies it.
/// </summary>
public sealed class CheckMetadata
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public Severity Severity { get; init; }
    public string? Category { get; init; }

    /// <summary>Why the check matters, in a sentence or two.</summary>
    public string? Description { get; init; }

    /// <summary>The cmdlet or setting that fixes a failure.</summary>
    public string? Remediation { get; init; }
}

/// <summary>Settings of one report: when and by what it was made, where check help lives, and how offline paths are shown.</summary>
public sealed class ReportOptions
{
    /// <summary>The project's check catalogue page; a check's help is this page with the lower-case id as fragment.</summary>
    public static readonly Uri DefaultDocumentationUri = new("https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md");

    public string Title { get; init; } = "AKS security report";

    public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The module version written into the reports; defaults to the engine's own version.</summary>
    public string ToolVersion { get; init; } = SecurityReport.EngineVersion;

    /// <summary>Metadata of a check by id, or null when unknown.</summary>
    public Func<string, CheckMetadata?>? CheckLookup { get; init; }

    public Uri DocumentationUri { get; init; } = DefaultDocumentationUri;

    /// <summary>
    /// The folder offline document paths are made relative to in SARIF (the repository root in CI), so GitHub code
    /// scanning can place the alerts on the files; paths outside it stay absolute file URIs.
    /// </summary>
    public string? SourceRoot { get; init; }
}
