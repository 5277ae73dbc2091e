using System.Text;

namespace AksSecurity.Engine.Reports;

/// <summary>Writes a report in one format.</summary>
public interface IReportWriter
{
    ReportFormat Format { get; }

    /// <summary>The file name Export-AksSecurityReport uses when -Path is a folder.</summary>
    string DefaultFileName { get; }

    void Write(SecurityReport report, Stream output);
}

/// <summary>The writer of each format, and file handling shared by them.</summary>
public static class ReportWriters
{
    internal static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static IReportWriter For(ReportFormat format) => format switch
    {
        ReportFormat.Sarif => new SarifReportWriter(),
        ReportFormat.NUnit => new NUnitReportWriter(),
        ReportFormat.JUnit => new JUnitReportWriter(),
        ReportFormat.Json => new JsonReportWriter(),
        ReportFormat.Markdown => new MarkdownReportWriter(),
        ReportFormat.Html => new HtmlReportWriter(),
        _ => throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Unknown report format '{format}'.", nameof(format)),
    };

    /// <summary>The report as text, as it would be written to a file.</summary>
    public static string Render(SecurityReport report, ReportFormat format)
    {
        using var buffer = new MemoryStream();
        For(format).Write(report, buffer);
        return Utf8NoBom.GetString(buffer.ToArray());
    }

    /// <summary>The format a file name implies (.sarif, .json, .md, .html); null when it implies none or more than one (.xml).</summary>
    public static ReportFormat? FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".sarif" => ReportFormat.Sarif,
        ".json" => ReportFormat.Json,
        ".md" or ".markdown" => ReportFormat.Markdown,
        ".html" or ".htm" => ReportFormat.Html,
        _ => null,
    };

    /// <summary>
    /// Writes the report to <paramref name="path"/> through a temporary file beside it, so a failure never leaves half a
    /// report where a complete one was expected. The folder must exist.
    /// </summary>
    public static FileInfo WriteFile(SecurityReport report, ReportFormat format, string path)
    {
        var target = new FileInfo(path);
        var temporary = Path.Combine(target.DirectoryName ?? ".", $".{target.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                For(format).Write(report, stream);
            }

            File.Move(temporary, target.FullName, overwrite: true);
            target.Refresh();
            return target;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            var kind = ex is UnauthorizedAccessException ? AksErrorKind.PermissionDenied : AksErrorKind.OperationFailed;
            throw new AksSecurityException(kind, $"Could not write the {format} report to '{path}': {ex.Message}", path, ex);
        }
    }
}
