using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// A minimal Blob Storage endpoint for report uploads, addressed the way the storage emulator is
/// (Put Blob, "Emulated storage service request"): PUT https://127.0.0.1:PORT/devstoreaccount1/{container}/{blob}.
/// Follows the Storage REST "Put Blob" rules the module relies on: a bearer token (OAuth needs x-ms-version 2017-11-09 or
/// later), x-ms-blob-type BlockBlob, If-None-Match: * refused with 409 BlobAlreadyExists when the blob exists, 201 Created
/// with ETag, Last-Modified and Content-MD5. Errors carry the x-ms-error-code header (the XML error body is left out:
/// the fake answers JSON or nothing). The blob's content is the recorded request's body; GET is not served.
/// </summary>
internal sealed class BlobApi
{
    public const string Account = "devstoreaccount1";
    private const string MinimumOAuthVersion = "2017-11-09";

    private readonly ConcurrentDictionary<string, string> _etags = new(StringComparer.Ordinal);
    private long _writes;

    /// <summary>Null when the path is not a blob of the emulated account.</summary>
    public FakeResponse? TryHandle(FakeRequest request)
    {
        if (request.Segments.Length < 3 || !string.Equals(request.Segments[0], Account, StringComparison.Ordinal))
        {
            return null;
        }

        if (request.Method != "PUT")
        {
            return Error(405, "UnsupportedHttpVerb");
        }

        var authorization = request.Header("Authorization") ?? "";
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
        {
            return Error(401, "NoAuthenticationInformation");
        }

        if (authorization.EndsWith(BearerTokens.ForbiddenToken, StringComparison.Ordinal))
        {
            return Error(403, "AuthorizationPermissionMismatch");
        }

        var version = request.Header("x-ms-version");
        if (string.IsNullOrEmpty(version) || string.CompareOrdinal(version, MinimumOAuthVersion) < 0)
        {
            return Error(400, "InvalidHeaderValue");
        }

        if (!string.Equals(request.Header("x-ms-blob-type"), "BlockBlob", StringComparison.Ordinal))
        {
            return Error(400, "MissingRequiredHeader");
        }

        var name = request.Path;
        if (request.Header("If-None-Match") == "*" && _etags.ContainsKey(name))
        {
            return Error(409, "BlobAlreadyExists");
        }

        var etag = $"\"0x{request.Now.UtcTicks + Interlocked.Increment(ref _writes):X}\"";
        _etags[name] = etag;
        var md5 = Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(request.Body ?? "")));
        return new FakeResponse(201)
            .WithHeader("ETag", etag)
            .WithHeader("Last-Modified", request.Now.UtcDateTime.ToString("R", CultureInfo.InvariantCulture))
            .WithHeader("Content-MD5", md5)
            .WithHeader("x-ms-version", version)
            .WithHeader("x-ms-request-server-encrypted", "true");
    }

    private static FakeResponse Error(int status, string code) => new FakeResponse(status).WithHeader("x-ms-error-code", code);
}
