namespace AksSecurity;

/// <summary>One failed check on one cluster: what was read, why it matters and what fixes it.</summary>
public sealed class Finding
{
    public Finding(string checkId, Severity severity, string title, string evidence, string remediation)
    {
        CheckId = checkId;
        Severity = severity;
        Title = title;
        Evidence = evidence;
        Remediation = remediation;
    }

    public string CheckId { get; }
    public Severity Severity { get; }
    public string Title { get; }

    /// <summary>What was read, in the words of the document (JSON path and value).</summary>
    public string Evidence { get; }

    /// <summary>The command or setting that fixes it.</summary>
    public string Remediation { get; }

    /// <summary>JSON path of the setting the finding is about, when there is one.</summary>
    public string? JsonPath { get; init; }

    public string? ClusterId { get; init; }
    public string? ClusterName { get; init; }

    /// <summary>The check's section of the catalogue page (docs/checks.md#aks-api-001).</summary>
    public string DocumentationUrl => Documentation.UrlOf(CheckId);

    public override string ToString() => $"{CheckId} [{Severity}] {Title}";
}
