using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AksSecurity.TestServers.Internal;

/// <summary>A request as the fake's handlers see it: the body already read, the path split into segments.</summary>
internal sealed class FakeRequest
{
    public FakeRequest(string method, string path, string rawQuery, IQueryCollection query, IHeaderDictionary headers, string? body, Uri baseUri, DateTimeOffset now)
    {
        Method = method;
        Path = path;
        Segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        RawQuery = rawQuery;
        Query = query;
        Headers = headers;
        Body = body;
        BaseUri = baseUri;
        Now = now;
    }

    public string Method { get; }

    /// <summary>The path as sent.</summary>
    public string Path { get; }

    public string[] Segments { get; }

    /// <summary>The query string as sent, with its leading '?' (empty when there is none).</summary>
    public string RawQuery { get; }

    public IQueryCollection Query { get; }

    public IHeaderDictionary Headers { get; }

    public string? Body { get; }

    /// <summary>https://127.0.0.1:PORT/ with a trailing slash.</summary>
    public Uri BaseUri { get; }

    public DateTimeOffset Now { get; }

    public string? QueryValue(string name) => Query.TryGetValue(name, out var values) ? values.ToString() : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var values) ? values.ToString() : null;
}

/// <summary>
/// A response computed in full before anything is sent, so the journal and fault side effects are settled
/// by the time a client sees the answer.
/// </summary>
internal sealed class FakeResponse
{
    public FakeResponse(int status, JsonNode? body = null)
    {
        Status = status;
        Body = body;
    }

    public int Status { get; }

    public JsonNode? Body { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public FakeResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    /// <summary>Writes quotes and '+' as themselves, as ARM does, rather than as \u0027-style escapes.</summary>
    public static JsonSerializerOptions Output { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static FakeResponse Json(int status, JsonNode body) => new(status, body);

    /// <summary>The ARM error envelope (common-types ErrorResponse).</summary>
    public static FakeResponse ArmError(int status, string code, string message) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
}
