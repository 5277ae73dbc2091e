using System.Security.Cryptography;
using System.Text;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// Builds Azure-AsyncOperation URLs shaped like the real, signed ones (t, c, s, h parameters; an api-version other
/// than the request's) and checks that a poll presents them untouched, which proves the client followed the URL
/// verbatim instead of rebuilding it.
/// </summary>
internal sealed class OperationUrlSigner
{
    /// <summary>The api-version the real service puts in its operation URLs (seen in a 2026 recording).</summary>
    public const string OperationApiVersion = "2025-03-01";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string AsyncOperationUrl(Uri baseUri, ArmOperation operation, DateTimeOffset now)
    {
        var ticks = now.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Stands in for the certificate blob of the real URL: long and base64url-encoded.
        var blob = Base64Url(RandomNumberGenerator.GetBytes(384));
        var (s, h) = Sign(operation.Id, OperationApiVersion, ticks, blob);
        return $"{baseUri}subscriptions/{operation.SubscriptionId}/providers/Microsoft.ContainerService/locations/{operation.Location}"
            + $"/operations/{operation.Id}?api-version={OperationApiVersion}&t={ticks}&c={blob}&s={s}&h={h}";
    }

    public bool IsAuthentic(FakeRequest poll, string operationId)
    {
        var apiVersion = poll.QueryValue("api-version");
        var ticks = poll.QueryValue("t");
        var blob = poll.QueryValue("c");
        var s = poll.QueryValue("s");
        var h = poll.QueryValue("h");
        if (apiVersion is null || ticks is null || blob is null || s is null || h is null)
        {
            return false;
        }

        var expected = Sign(operationId, apiVersion, ticks, blob);
        return FixedTimeEquals(expected.Signature, s) && FixedTimeEquals(expected.Hash, h);
    }

    private (string Signature, string Hash) Sign(string operationId, string apiVersion, string ticks, string blob)
    {
        var content = Encoding.UTF8.GetBytes($"{operationId.ToLowerInvariant()}\n{apiVersion}\n{ticks}\n{blob}");
        return (Base64Url(HMACSHA512.HashData(_key, content)), Base64Url(HMACSHA256.HashData(_key, content)));
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
