using global::Azure.Core;
using global::Azure.Core.Pipeline;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Reports;

/// <summary>
/// Uploads reports to an Azure Blob Storage container with the session's identity (Entra ID token for
/// https://storage.azure.com/), through the same Azure.Core pipeline options as ARM (retries, transport, redacted -Debug).
/// One Put Blob per report: "PUT https://acct.blob.core.windows.net/container/name" with x-ms-blob-type: BlockBlob and
/// x-ms-version (Storage REST "Put Blob"; OAuth needs x-ms-version 2017-11-09 or later). Without -Force the upload carries
/// If-None-Match: * so an existing blob is never replaced, as Export-AksSecurityReport never replaces a file.
/// </summary>
public sealed class BlobReportUploader
{
    public const string StorageScope = "https://storage.azure.com/.default";
    public const string StorageApiVersion = "2023-11-03";

    private readonly HttpPipeline _pipeline;
    private readonly ArmClientOptions _options;

    public BlobReportUploader(ArmConnection connection)
    {
        if (connection.Context.AuthenticationMethod is nameof(AuthenticationMethod.AccessToken) or nameof(AuthenticationMethod.AzAccounts))
        {
            // Those sessions hold one token, for ARM: Blob Storage would refuse it, and sending it there is pointless.
            throw new AksSecurityException(AksErrorKind.NotSupported,
                $"This session signed in with {connection.Context.AuthenticationMethod}, whose token is for Azure Resource Manager only. Connect with Connect-AksSecurity -Identity, -ServicePrincipal, -WorkloadIdentity or -UseAzureCli to upload reports to Blob Storage.",
                "BlobContainerUri");
        }

        _options = connection.Client.Options;
        _pipeline = HttpPipelineBuilder.Build(
            _options,
            Array.Empty<HttpPipelinePolicy>(),
            new HttpPipelinePolicy[] { new BearerTokenAuthenticationPolicy(connection.Client.Credential, StorageScope), new HttpLoggingPolicy() },
            new ResponseClassifier());
    }

    /// <summary>
    /// The container URL, checked before anything is rendered or sent: https (a token is sent), no query (a SAS token is not
    /// needed and would end up in logs), a path naming the container.
    /// </summary>
    public static Uri ParseContainerUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"-BlobContainerUri '{Shorten(text)}' must be an https URL of a container, e.g. https://<account>.blob.core.windows.net/<container>.", "BlobContainerUri");
        }

        if (uri.Query.Length > 1 || uri.Fragment.Length > 1)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "-BlobContainerUri takes the container URL without a query or SAS token: the upload signs in with the session's identity, which needs the 'Storage Blob Data Contributor' role on the container.", "BlobContainerUri");
        }

        if (uri.AbsolutePath.Trim('/').Length == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"-BlobContainerUri '{uri.GetLeftPart(UriPartial.Authority)}' names no container: add '/<container>'.", "BlobContainerUri");
        }

        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    /// <summary>The blob's URL: the container's plus the name, each '/'-separated part escaped.</summary>
    public static Uri BlobUri(Uri container, string blobName)
    {
        var parts = blobName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Any(p => p is "." or ".."))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{blobName}' is not a usable blob name.", blobName);
        }

        return new Uri(container, string.Join('/', parts.Select(Uri.EscapeDataString)));
    }

    public static string ContentTypeOf(ReportFormat format) => format switch
    {
        ReportFormat.Sarif => "application/sarif+json",
        ReportFormat.Json => "application/json",
        ReportFormat.NUnit or ReportFormat.JUnit => "application/xml",
        ReportFormat.Markdown => "text/markdown; charset=utf-8",
        ReportFormat.Html => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    };

    /// <summary>Renders the report and puts it as a block blob; returns the blob's URL.</summary>
    public async Task<Uri> UploadAsync(SecurityReport report, ReportFormat format, Uri blob, bool overwrite, IOperationSink sink, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        ReportWriters.For(format).Write(report, buffer);
        var content = buffer.ToArray();

        using var message = _pipeline.CreateMessage();
        message.SetProperty(HttpLoggingPolicy.SinkProperty, sink);
        var request = message.Request;
        request.Method = RequestMethod.Put;
        request.Uri.Reset(blob);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Headers.Add("x-ms-version", StorageApiVersion);
        request.Headers.Add("x-ms-blob-content-type", ContentTypeOf(format));
        request.Headers.Add("Content-Type", ContentTypeOf(format));
        if (!overwrite)
        {
            request.Headers.Add("If-None-Match", "*");
        }

        request.Content = RequestContent.Create(content);
        sink.Verbose($"Uploading the {format} report ({content.Length:N0} bytes) to {blob}.");
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is global::Azure.Identity.AuthenticationFailedException or global::Azure.Identity.CredentialUnavailableException)
        {
            throw new AksSecurityException(AksErrorKind.AuthenticationError, $"Could not get a token for Azure Storage: {ex.Message.Split('\n', 2)[0].Trim()}", blob.Host, ex);
        }
        catch (Exception ex) when (ex is global::Azure.RequestFailedException or HttpRequestException or IOException or OperationCanceledException)
        {
            throw new AksSecurityException(AksErrorKind.ConnectionError,
                $"Could not reach {blob.GetLeftPart(UriPartial.Authority)} after {_options.Retry.MaxRetries + 1} attempts: {ex.Message.Split('\n', 2)[0].Trim()}", blob.GetLeftPart(UriPartial.Authority), ex);
        }

        var response = message.Response;
        if (response.Status is 200 or 201)
        {
            return blob;
        }

        var code = response.Headers.TryGetValue("x-ms-error-code", out var errorCode) ? errorCode : null;
        var target = blob.ToString();
        var detail = code is null ? $"HTTP {response.Status}" : $"HTTP {response.Status} {code}";
        throw response.Status switch
        {
            409 or 412 when !overwrite => new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The blob {blob} exists ({detail}). Use -Force to replace it.", target) { HttpStatus = response.Status },
            401 => new AksSecurityException(AksErrorKind.AuthenticationError,
                $"Blob Storage did not accept the session's token for {blob.Host} ({detail}).", target) { HttpStatus = response.Status },
            403 => new AksSecurityException(AksErrorKind.PermissionDenied,
                $"The session's identity may not write to {blob.GetLeftPart(UriPartial.Authority)}{string.Join('/', blob.Segments.Take(2))} ({detail}): grant it 'Storage Blob Data Contributor' on the container or account (and allow its network).", target) { HttpStatus = response.Status },
            404 => new AksSecurityException(AksErrorKind.ObjectNotFound,
                $"The container of {blob} does not exist ({detail}).", target) { HttpStatus = response.Status },
            _ => new AksSecurityException(AksErrorKind.OperationFailed, $"Uploading the report to {blob} failed ({detail}).", target) { HttpStatus = response.Status },
        };
    }

    private static string Shorten(string text) => text.Length <= 80 ? text.Split('?')[0] : text[..80].Split('?')[0] + "…";
}
