using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Checks;

/// <summary>PowerShell-style wildcards (* and ?), case-insensitive, for check ids and cluster patterns; the engine has no WildcardPattern.</summary>
public static class Wildcard
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.OrdinalIgnoreCase);

    public static bool HasWildcards(string pattern) => pattern.IndexOfAny(new[] { '*', '?' }) >= 0;

    public static bool IsMatch(string text, string pattern) =>
        Cache.GetOrAdd(pattern, p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*").Replace("\\?", ".") + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)).IsMatch(text);
}
