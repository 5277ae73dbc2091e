using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Azure;

/// <summary>A buffered ARM response: status, the headers we act on, and the JSON body.</summary>
public sealed class ArmResponse
{
    public ArmResponse(int status, JsonNode? body, IReadOnlyDictionary<string, string> headers)
    {
        Status = status;
        Body = body;
        Headers = headers;
    }

    public int Status { get; }
    public JsonNode? Body { get; }

    /// <summary>Response headers, case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public bool IsSuccess => Status is >= 200 and < 300;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string? RequestId => Header("x-ms-request-id");

    /// <summary>The server's requested wait (Retry-After seconds or HTTP date), if any.</summary>
    public TimeSpan? RetryAfter
    {
        get
        {
            var value = Header("Retry-After");
            if (value is null)
            {
                return null;
            }

            if (int.TryParse(value, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            return DateTimeOffset.TryParse(value, out var date) ? date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero : null;
        }
    }

    public string? ErrorCode => JsonPathsOfError("code");
    public string? ErrorMessage => JsonPathsOfError("message");

    private string? JsonPathsOfError(string field) =>
        Body is JsonObject obj && obj["error"] is JsonObject error && error[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
