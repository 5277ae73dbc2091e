namespace AksSecurity.TestServers;

/// <summary>
/// One request the fake answered (control API calls are not recorded).
/// <paramref name="Headers"/> holds every request header (case-insensitive keys); the Authorization value is
/// replaced by "&lt;scheme&gt; &lt;redacted&gt;". <paramref name="Path"/> and <paramref name="Query"/> (with its
/// leading '?') are as sent. <paramref name="Status"/> is 0 when the connection was reset by a fault.
/// </summary>
public sealed record RecordedRequest(
    int Sequence,
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    int Status,
    DateTimeOffset Time);
