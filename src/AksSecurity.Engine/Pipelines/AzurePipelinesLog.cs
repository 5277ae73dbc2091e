using System.Text;
using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Pipelines;

/// <summary>
/// Azure Pipelines logging commands (##vso[task.logissue …]) for the errors and warnings the cmdlets write, so they show
/// in the run's summary and timeline. Escaping follows the logging-command rules (azure-pipelines-task-lib): property
/// values escape %, \r, \n, ] and ; — the message escapes %, \r and \n.
/// </summary>
public static partial class AzurePipelinesLog
{
    /// <summary>Azure DevOps agents set TF_BUILD=True in every task's environment.</summary>
    public static bool IsAzurePipelines(Func<string, string?> environment) =>
        string.Equals(environment("TF_BUILD")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>One ##vso[task.logissue] line; <paramref name="sourcePath"/> and <paramref name="code"/> only when known.</summary>
    public static string LogIssue(IssueType type, string message, string? sourcePath = null, int? lineNumber = null, string? code = null)
    {
        var line = new StringBuilder("##vso[task.logissue type=").Append(type == IssueType.Error ? "error" : "warning").Append(';');
        if (!string.IsNullOrEmpty(sourcePath))
        {
            line.Append("sourcepath=").Append(EscapeProperty(sourcePath)).Append(';');
            if (lineNumber is > 0)
            {
                line.Append("linenumber=").Append(lineNumber.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(';');
            }
        }

        if (!string.IsNullOrEmpty(code))
        {
            line.Append("code=").Append(EscapeProperty(code)).Append(';');
        }

        return line.Append(']').Append(EscapeData(Redact(message))).ToString();
    }

    public static string EscapeProperty(string value) => value
        .Replace("%", "%AZP25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal)
        .Replace("]", "%5D", StringComparison.Ordinal)
        .Replace(";", "%3B", StringComparison.Ordinal);

    public static string EscapeData(string value) => value
        .Replace("%", "%AZP25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>
    /// Our messages never carry credentials; this is the second line of defence for text that came from elsewhere (a
    /// service's error body): bearer tokens, JWTs, SAS signatures and client secrets become "***".
    /// </summary>
    public static string Redact(string message)
    {
        message = BearerToken().Replace(message, "$1***");
        message = Jwt().Replace(message, "***");
        return SecretQueryValue().Replace(message, "$1***");
    }

    [GeneratedRegex(@"(?i)(\bbearer\s+)[^\s""',;]+")]
    private static partial Regex BearerToken();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?i)(\b(?:sig|client_secret|client_assertion|access_token|code)=)[^&\s""']+")]
    private static partial Regex SecretQueryValue();
}

public enum IssueType
{
    Error,
    Warning,
}
