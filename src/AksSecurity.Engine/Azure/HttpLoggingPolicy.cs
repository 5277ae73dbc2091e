using System.Diagnostics;
using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace AksSecurity.Engine.Azure;

/// <summary>
/// Writes one -Debug line per HTTP attempt: method, URL with secrets redacted, status, duration and request id.
/// Headers are never logged, so no token or key can leak through it.
/// </summary>
internal sealed class HttpLoggingPolicy : HttpPipelinePolicy
{
    public const string SinkProperty = "AksSecurity.Sink";

    // Query parameters whose values are safe to show; every other value (sig, se, t, c, s, h, ...) is redacted.
    private static readonly HashSet<string> SafeQueryNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "api-version", "$top", "$filter", "$expand", "$select", "format", "server-fqdn", "resource",
    };

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        Log(message, () => { ProcessNext(message, pipeline); return ValueTask.CompletedTask; }).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        Log(message, () => ProcessNextAsync(message, pipeline));

    private static async ValueTask Log(HttpMessage message, Func<ValueTask> next)
    {
        var sink = message.TryGetProperty(SinkProperty, out var value) ? value as IOperationSink : null;
        var stopwatch = Stopwatch.StartNew();
        var line = $"{message.Request.Method} {Redact(message.Request.Uri.ToUri())}";
        try
        {
            await next().ConfigureAwait(false);
            var requestId = message.Response.Headers.TryGetValue("x-ms-request-id", out var id) ? id : "-";
            sink?.Debug($"HTTP {line} -> {message.Response.Status} in {stopwatch.ElapsedMilliseconds} ms (request id {requestId})");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            sink?.Debug($"HTTP {line} -> failed after {stopwatch.ElapsedMilliseconds} ms: {ex.GetType().Name}: {ex.Message}");
            throw;
        }
    }

    /// <summary>The URL as safe to print: path kept, every query value except well-known harmless ones replaced.</summary>
    public static string Redact(Uri uri) => Redact(uri.GetLeftPart(UriPartial.Path) + uri.Query, SafeQueryNames);

    /// <summary>A path and query as safe to print: every query value whose name is not in <paramref name="keptNames"/> replaced.</summary>
    public static string Redact(string pathAndQuery, IReadOnlySet<string> keptNames)
    {
        var question = pathAndQuery.IndexOf('?');
        if (question < 0 || question == pathAndQuery.Length - 1)
        {
            return question < 0 ? pathAndQuery : pathAndQuery[..question];
        }

        var parts = pathAndQuery[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            return eq < 0 || keptNames.Contains(name) ? pair : $"{pair[..eq]}=REDACTED";
        });
        return pathAndQuery[..question] + "?" + string.Join("&", parts);
    }
}
