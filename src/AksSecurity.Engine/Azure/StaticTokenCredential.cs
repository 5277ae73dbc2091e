using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using System.Text.Json;
using global::Azure.Core;

namespace AksSecurity.Engine.Azure;

/// <summary>A token the user (or Az.Accounts) handed us. It cannot be refreshed, so an expired one fails with a clear message.</summary>
internal sealed class StaticTokenCredential : TokenCredential
{
    private readonly SecureString _token;
    private readonly DateTimeOffset _expiresOn;
    private readonly string _source;

    public StaticTokenCredential(SecureString token, DateTimeOffset? expiresOn, string source)
    {
        _token = token.Copy();
        _token.MakeReadOnly();
        _source = source;
        _expiresOn = expiresOn ?? ReadJwtExpiry(Reveal(token)) ?? DateTimeOffset.UtcNow.AddHours(1);
    }

    public DateTimeOffset ExpiresOn => _expiresOn;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        if (_expiresOn <= DateTimeOffset.UtcNow)
        {
            throw new global::Azure.Identity.AuthenticationFailedException(
                $"The access token from {_source} expired at {_expiresOn:u}. Get a new one and connect again.");
        }

        return new AccessToken(Reveal(_token), _expiresOn);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));

    internal static string Reveal(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        try
        {
            return Marshal.PtrToStringUni(pointer) ?? "";
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }

    /// <summary>The exp claim of a JWT, without validating it (ARM does that); null for opaque tokens.</summary>
    private static DateTimeOffset? ReadJwtExpiry(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return json.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
