using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using AksSecurity.Engine.Reports;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Writes the results of Test-AksSecurity and the other Test- cmdlets as reports: SARIF, NUnit, JUnit, JSON, Markdown,
/// HTML. Collects every piped result first, so results of several cmdlets for one cluster become one cluster in the
/// report, then writes each file through ShouldProcess. An existing file is replaced only with -Force. With
/// -BlobContainerUri the reports go to Blob Storage instead, with the session's identity.
/// </summary>
[Cmdlet(VerbsData.Export, "AksSecurityReport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ToFileSet)]
[OutputType(typeof(FileInfo), ParameterSetName = new[] { ToFileSet })]
[OutputType(typeof(Uri), ParameterSetName = new[] { ToBlobSet })]
public sealed class ExportAksSecurityReportCommand : AksCmdlet
{
    private const string ToFileSet = "ToFile";
    private const string ToBlobSet = "ToBlob";
    private const string ProgressActivity = "Export-AksSecurityReport";

    private readonly List<ClusterTestResult> _results = new();
    private readonly List<AuditResult> _audits = new();

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public PSObject[] InputObject { get; set; } = Array.Empty<PSObject>();

    [Parameter(Position = 0, ParameterSetName = ToFileSet)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    [Parameter(Mandatory = true, ParameterSetName = ToBlobSet)]
    [ValidateNotNullOrEmpty]
    public string BlobContainerUri { get; set; } = "";

    [Parameter(ParameterSetName = ToBlobSet)]
    public string BlobNamePrefix { get; set; } = "";

    [Parameter(Position = 1)]
    public ReportFormat[] Format { get; set; } = Array.Empty<ReportFormat>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Title { get; set; } = new ReportOptions().Title;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            switch (item?.BaseObject)
            {
                case ClusterTestResult result:
                    _results.Add(result);
                    break;
                case AuditResult audit:
                    _audits.Add(audit);
                    break;
                default:
                    WriteError(new ErrorRecord(
                        new ArgumentException($"Export-AksSecurityReport takes the results of Test-AksSecurity ({typeof(AuditResult).FullName}) and of the other Test- cmdlets ({typeof(ClusterTestResult).FullName}), not {item?.BaseObject.GetType().FullName ?? "null"}."),
                        "UnsupportedInput", ErrorCategory.InvalidType, item));
                    break;
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == ToBlobSet)
        {
            UploadReports();
            return;
        }

        List<(ReportFormat Format, string File)> targets;
        try
        {
            targets = Targets();
        }
        catch (AksSecurityException ex)
        {
            // A bad -Path stops the command before any report is written.
            Fail(ex);
            return;
        }

        var report = CreateReport();
        for (var i = 0; i < targets.Count; i++)
        {
            var (format, file) = targets[i];
            Progress(i, targets.Count, $"{format} report: {file}");
            ForItem(file, () => WriteReport(report, format, file));
        }

        ProgressCompleted();
    }

    private SecurityReport CreateReport()
    {
        if (_results.Count == 0 && _audits.Count == 0)
        {
            WriteWarning("No results were piped in: the report lists no clusters.");
        }

        return SecurityReport.Create(_results, _audits, new ReportOptions
        {
            Title = Title,
            SourceRoot = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
        });
    }

    /// <summary>Each format to its blob, ContainerUri + BlobNamePrefix + the format's file name; everything is checked before the first upload.</summary>
    private void UploadReports()
    {
        Uri container;
        List<(ReportFormat Format, Uri Blob)> blobs;
        BlobReportUploader uploader;
        try
        {
            container = BlobReportUploader.ParseContainerUri(BlobContainerUri);
            if (Format.Length == 0)
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"Say which reports to upload with -Format ({string.Join(", ", Enum.GetNames<ReportFormat>())}).", "Format");
            }

            blobs = Format.Distinct().Select(f => (f, BlobReportUploader.BlobUri(container, BlobNamePrefix + ReportWriters.For(f).DefaultFileName))).ToList();
            uploader = new BlobReportUploader(Connection);
        }
        catch (AksSecurityException ex)
        {
            Fail(ex);
            return;
        }

        var report = CreateReport();
        for (var i = 0; i < blobs.Count; i++)
        {
            var (format, blob) = blobs[i];
            Progress(i, blobs.Count, $"{format} report: {blob}");
            ForItem(blob.ToString(), () =>
            {
                if (!ShouldProcess(blob.ToString(), $"Upload the {format} report"))
                {
                    return;
                }

                var uploaded = Run((sink, token) => uploader.UploadAsync(report, format, blob, Force, sink, token));
                WriteVerbose($"Uploaded the {format} report to {uploaded}.");
                if (PassThru)
                {
                    WriteObject(uploaded);
                }
            });
        }

        ProgressCompleted();
    }

    private void Progress(int done, int total, string status) =>
        WriteProgress(new ProgressRecord(1, ProgressActivity, status) { PercentComplete = done * 100 / Math.Max(total, 1) });

    private void ProgressCompleted() =>
        WriteProgress(new ProgressRecord(1, ProgressActivity, "Done") { PercentComplete = 100, RecordType = ProgressRecordType.Completed });

    private void WriteReport(SecurityReport report, ReportFormat format, string file)
    {
        if (Directory.Exists(file))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{file}' is a folder; the {format} report needs a file name there.", file);
        }

        if (File.Exists(file) && !Force)
        {
            WriteError(new ErrorRecord(new IOException($"The file '{file}' exists. Use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, file));
            return;
        }

        if (!ShouldProcess(file, $"Write the {format} report"))
        {
            return;
        }

        var folder = System.IO.Path.GetDirectoryName(file)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Cannot create the folder '{folder}' for the report: {ex.Message}", file, ex);
        }

        var written = ReportWriters.WriteFile(report, format, file);
        WriteVerbose($"Wrote the {format} report ({written.Length:N0} bytes) to {written.FullName}.");
        if (PassThru)
        {
            WriteObject(written);
        }
    }

    /// <summary>
    /// Each format with its file, checked before anything is written: -Path is a folder (an existing one, one ending in a
    /// separator, or any path when several formats are asked) or, for one format, the file itself.
    /// </summary>
    private List<(ReportFormat Format, string File)> Targets()
    {
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path, out provider, out _);
            // Refuses here, before anything is written, what the file system would refuse later (a NUL character).
            resolved = System.IO.Path.GetFullPath(resolved);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-Path '{Path}' is not a path the reports can be written to: {ex.Message}", Path, ex);
        }

        if (provider.ImplementingType != typeof(FileSystemProvider))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-Path '{Path}' is on the {provider.Name} provider; reports are written to the file system.", Path);
        }

        var formats = Format.Distinct().ToList();
        if (formats.Count == 0)
        {
            if (ReportWriters.FormatOf(resolved) is not { } implied || Directory.Exists(resolved))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"Say which report to write with -Format ({string.Join(", ", Enum.GetNames<ReportFormat>())}); '{Path}' does not imply one.", Path);
            }

            formats.Add(implied);
        }

        var endsInSeparator = Path.EndsWith('/') || Path.EndsWith('\\');
        var isFolder = Directory.Exists(resolved) || endsInSeparator || formats.Count > 1;
        if (isFolder && File.Exists(resolved))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"-Path '{Path}' is a file; with {formats.Count} formats it must name a folder, where each report gets its own file.", Path);
        }

        if (!isFolder)
        {
            ParentMustBeAFolder(resolved);
            return new List<(ReportFormat, string)> { (formats[0], resolved) };
        }

        ParentMustBeAFolder(System.IO.Path.Combine(resolved, "report"));
        return formats.Select(f => (f, System.IO.Path.Combine(resolved, ReportWriters.For(f).DefaultFileName))).ToList();
    }

    private void ParentMustBeAFolder(string file)
    {
        // A file in the way of a folder would only fail later, after other reports were written.
        for (var folder = System.IO.Path.GetDirectoryName(file); !string.IsNullOrEmpty(folder); folder = System.IO.Path.GetDirectoryName(folder))
        {
            if (File.Exists(folder))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument, $"-Path '{Path}' goes through '{folder}', which is a file, not a folder.", Path);
            }

            if (Directory.Exists(folder))
            {
                return;
            }
        }
    }
}
