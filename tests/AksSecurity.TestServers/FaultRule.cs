using System.Text.Json.Nodes;

namespace AksSecurity.TestServers;

/// <summary>
/// A fault to inject into matching requests. Every rule counts the requests it matches on its own; when two rules
/// would fire on the same request, the one injected first wins.
/// </summary>
public sealed class FaultRule
{
    /// <summary>HTTP method to match; null matches any.</summary>
    public string? Method { get; set; }

    /// <summary>Case-insensitive substring of the path; null matches every ARM route (/subscriptions/...), but not the token endpoints.</summary>
    public string? PathContains { get; set; }

    /// <summary>Let this many matching requests through first.</summary>
    public int Skip { get; set; }

    /// <summary>Then apply to this many.</summary>
    public int Times { get; set; } = 1;

    public FaultAction Action { get; set; }

    /// <summary>For <see cref="FaultAction.Status"/>: the HTTP status answered.</summary>
    public int Status { get; set; } = 500;

    /// <summary>For <see cref="FaultAction.Status"/>: error.code; defaults to the status name (e.g. TooManyRequests).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>For <see cref="FaultAction.Status"/>: error.message.</summary>
    public string? Message { get; set; }

    /// <summary>For <see cref="FaultAction.Status"/>: a Retry-After header.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>For <see cref="FaultAction.Delay"/>: wait this long, then serve normally.</summary>
    public int DelayMs { get; set; }

    /// <summary>For <see cref="FaultAction.ConcurrentWrite"/>: dotted path in the cluster document, e.g. "tags.owner".</summary>
    public string? JsonPath { get; set; }

    /// <summary>For <see cref="FaultAction.ConcurrentWrite"/>: the value written at <see cref="JsonPath"/>.</summary>
    public JsonNode? Value { get; set; }

    internal FaultRule Clone() => new()
    {
        Method = Method,
        PathContains = PathContains,
        Skip = Skip,
        Times = Times,
        Action = Action,
        Status = Status,
        ErrorCode = ErrorCode,
        Message = Message,
        RetryAfterSeconds = RetryAfterSeconds,
        DelayMs = DelayMs,
        JsonPath = JsonPath,
        Value = Value?.DeepClone(),
    };
}

public enum FaultAction
{
    /// <summary>Answer <see cref="FaultRule.Status"/> with the ARM error body {"error":{"code","message"}}.</summary>
    Status,

    /// <summary>Abort the connection without a response.</summary>
    Reset,

    /// <summary>Wait <see cref="FaultRule.DelayMs"/>, then serve normally.</summary>
    Delay,

    /// <summary>Serve normally, then change the addressed cluster at <see cref="FaultRule.JsonPath"/> and give it a new eTag.</summary>
    ConcurrentWrite,
}
