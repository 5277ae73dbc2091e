using System.Globalization;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// Issues the fake's access tokens ("fake-at.&lt;expiry unix seconds&gt;.&lt;guid&gt;") and checks the bearer token of
/// ARM requests the way ARM answers: 401 without a usable token, 401 ExpiredAuthenticationToken past expiry,
/// 403 for the reserved "forbidden-token". Any other non-empty bearer is accepted, so tests can pass their own.
/// </summary>
internal static class BearerTokens
{
    public const string ForbiddenToken = "forbidden-token";
    private const string Prefix = "fake-at.";
    private const string FakeClientId = "5a0f4d7e-0000-0000-0000-00000000c11e";
    private const string FakeObjectId = "9b1c2d3e-0000-0000-0000-0000000000b1";

    public static (string Token, DateTimeOffset ExpiresOn) Issue(DateTimeOffset now, int lifetimeSeconds)
    {
        var expiresOn = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + lifetimeSeconds);
        return ($"{Prefix}{expiresOn.ToUnixTimeSeconds()}.{Guid.NewGuid()}", expiresOn);
    }

    /// <summary>Null when the request may go on; otherwise the ARM error to answer.</summary>
    public static FakeResponse? Check(FakeRequest request, string action)
    {
        var authorization = request.Header("Authorization");
        if (string.IsNullOrEmpty(authorization))
        {
            return Unauthenticated("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.");
        }

        var parts = authorization.Split(' ', 2, StringSplitOptions.TrimEntries);
        var token = parts.Length == 2 && parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? parts[1] : "";
        if (token.Length == 0 || (token.StartsWith(Prefix, StringComparison.Ordinal) && ExpiryOf(token) is null))
        {
            return Unauthenticated("AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.",
                "The authentication failed because of an invalid 'Authorization' header.");
        }

        if (ExpiryOf(token) is { } expiry && expiry <= request.Now)
        {
            var message = $"The access token expiry UTC time '{ArmTime(expiry)}' is earlier than current UTC time '{ArmTime(request.Now)}'.";
            return Unauthenticated("ExpiredAuthenticationToken", message, "The access token has expired.");
        }

        return token == ForbiddenToken ? Forbidden(request, action) : null;
    }

    /// <summary>ARM's 403 for a caller without the permission for <paramref name="action"/> on the request path.</summary>
    public static FakeResponse Forbidden(FakeRequest request, string action) =>
        FakeResponse.ArmError(403, "AuthorizationFailed",
            $"The client '{FakeClientId}' with object id '{FakeObjectId}' does not have authorization to perform action '{action}' "
            + $"over scope '{request.Path.TrimEnd('/')}' or the scope is invalid. If access was recently granted, please refresh your credentials.");

    private static DateTimeOffset? ExpiryOf(string token)
    {
        var parts = token.Split('.');
        return parts.Length == 3
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
    }

    /// <summary>ARM prints these times with .NET's invariant general format, e.g. 5/26/2026 7:19:23 AM.</summary>
    private static string ArmTime(DateTimeOffset time) => time.UtcDateTime.ToString("M/d/yyyy h:mm:ss tt", CultureInfo.InvariantCulture);

    private static FakeResponse Unauthenticated(string code, string message, string description) =>
        FakeResponse.ArmError(401, code, message).WithHeader(
            "WWW-Authenticate",
            $"Bearer authorization_uri=\"https://login.microsoftonline.com/\", error=\"invalid_token\", error_description=\"{description}\"");
}
