using System.Collections.Concurrent;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// The tokens the fake ARM's token endpoints issued, with the audience each was asked for (the managed identity
/// <c>resource</c>, or the client-credentials <c>scope</c> without <c>/.default</c>). The fake Kubernetes API server
/// reads it to accept only tokens issued for the AKS server application, as a real Entra ID cluster does.
/// </summary>
internal sealed class IssuedTokens
{
    private readonly ConcurrentDictionary<string, string> _audiences = new(StringComparer.Ordinal);

    public void Add(string token, string audienceOrScope) => _audiences[token] = Normalize(audienceOrScope);

    /// <summary>The audience the token was issued for, or null when this fake did not issue it.</summary>
    public string? AudienceOf(string token) => _audiences.TryGetValue(token, out var audience) ? audience : null;

    /// <summary>"6dae…/.default", "6dae…/" and "6dae…" are one audience; a space-separated scope list counts by its first scope.</summary>
    private static string Normalize(string audienceOrScope)
    {
        var first = audienceOrScope.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        if (first.EndsWith("/.default", StringComparison.OrdinalIgnoreCase))
        {
            first = first[..^"/.default".Length];
        }

        return first.TrimEnd('/');
    }
}
