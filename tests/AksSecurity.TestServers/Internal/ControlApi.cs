using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// /_fake/...: drives the server from outside the process (Pester). Not recorded, no authentication, no faults.
/// </summary>
internal sealed class ControlApi(FakeArmServer server)
{
    public const string Prefix = "/_fake/";

    /// <summary>camelCase, enums as camelCase strings, unknown members refused so a typo in a test fails loudly.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = FakeResponse.Output.Encoder,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static bool IsControlPath(string path) => path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        var route = $"{request.Method} {path[Prefix.Length..].TrimEnd('/').ToLowerInvariant()}";
        try
        {
            var (status, result) = route switch
            {
                "POST reset" => Done(server.Reset),
                "POST shutdown" => (202, Ok()),
                "GET requests" => (200, JsonSerializer.SerializeToNode(server.Requests, Json)),
                "DELETE requests" => Done(server.ClearRequests),
                "POST faults" => Done(() => server.InjectFault(Deserialize<FaultRule>(body))),
                "PUT options" => Done(() => ApplyOptions(Parse(body))),
                "GET cluster" => server.GetCluster(request.Query["id"].ToString()) is { } cluster
                    ? (200, cluster)
                    : (404, Error("ResourceNotFound", $"No cluster with id '{request.Query["id"]}'.")),
                "PUT cluster" => (200, PutCluster(body)),
                "GET resource" => server.GetResource(RequiredId(request)) is { } resource
                    ? (200, resource)
                    : (404, Error("ResourceNotFound", $"No resource with id '{request.Query["id"]}'.")),
                "PUT resource" => (200, PutResource(RequiredId(request), body)),
                "POST seed-fleet" => (200, SeedFleet(Deserialize<SeedFleetRequest>(body))),
                "POST background-operation" => Done(() => BeginBackgroundOperation(Deserialize<BackgroundOperationRequest>(body))),
                _ => (404, Error("NotFound", $"No control route {request.Method} {path}.")),
            };
            await WriteAsync(context, status, result);
            if (route == "POST shutdown")
            {
                // After the answer is out, so the caller is not left with a broken connection.
                server.RequestShutdown();
            }
        }
        catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            await WriteAsync(context, 400, Error("BadControlRequest", e.Message));
        }
    }

    private static (int, JsonNode?) Done(Action action)
    {
        action();
        return (200, Ok());
    }

    private JsonNode PutCluster(string body)
    {
        var document = Parse(body);
        server.PutCluster(document);
        return server.GetCluster(document["id"]!.GetValue<string>())!;
    }

    private JsonNode PutResource(string id, string body)
    {
        server.PutResource(id, Parse(body));
        return server.GetResource(id)!;
    }

    private static string RequiredId(HttpRequest request) =>
        request.Query["id"].ToString() is { Length: > 0 } id ? id : throw new ArgumentException("The query parameter 'id' is required.");

    private JsonObject SeedFleet(SeedFleetRequest request)
    {
        var ids = server.SeedFleet(
            request.Subscriptions ?? throw new ArgumentException("subscriptions is required."),
            request.ClustersPerSubscription ?? throw new ArgumentException("clustersPerSubscription is required."));
        return new JsonObject
        {
            ["subscriptionIds"] = new JsonArray(ids.Select(id => (JsonNode?)id).ToArray()),
            ["clusters"] = ids.Count * request.ClustersPerSubscription.Value,
        };
    }

    private void BeginBackgroundOperation(BackgroundOperationRequest request) =>
        server.BeginBackgroundOperation(
            request.ClusterId ?? throw new ArgumentException("clusterId is required."),
            request.State ?? "Updating",
            TimeSpan.FromMilliseconds(request.DurationMs ?? throw new ArgumentException("durationMs is required.")));

    /// <summary>A partial update: only the members present change. Everything is checked before anything is applied.</summary>
    private void ApplyOptions(JsonObject update)
    {
        var options = server.Options;
        var changes = new List<Action>();
        foreach (var (name, value) in update)
        {
            // Case-insensitive, like the other control bodies: PowerShell callers often write LroPollsBeforeDone.
            changes.Add(name.ToLowerInvariant() switch
            {
                "lropollsbeforedone" => Set(value, 0, int.MaxValue, v => options.LroPollsBeforeDone = v),
                "lromaxdurationms" => Set(value, 0, int.MaxValue, v => options.LroMaxDuration = TimeSpan.FromMilliseconds(v)),
                "lroretryafterseconds" => value is null ? () => options.LroRetryAfterSeconds = null : Set(value, 0, 3600, v => options.LroRetryAfterSeconds = v),
                "lrofinalstatus" => value?.GetValue<string>() is ArmOperation.Succeeded or ArmOperation.Failed or ArmOperation.Canceled
                    ? () => options.LroFinalStatus = value.GetValue<string>()
                    : throw new ArgumentException("lroFinalStatus must be Succeeded, Failed or Canceled."),
                "tokenlifetimeseconds" => Set(value, int.MinValue, int.MaxValue, v => options.TokenLifetimeSeconds = v),
                "pagesize" => Set(value, 1, int.MaxValue, v => options.PageSize = v),
                "latencyms" => Set(value, 0, 60_000, v => options.LatencyMs = v),
                "identityheader" => value?.GetValue<string>() is { Length: > 0 } header
                    ? () => options.IdentityHeader = header
                    : throw new ArgumentException("identityHeader must be a non-empty string."),
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            });
        }

        changes.ForEach(change => change());
    }

    private static Action Set(JsonNode? value, int min, int max, Action<int> apply)
    {
        var number = value?.GetValue<int>() ?? throw new ArgumentException("A number is required.");
        if (number < min || number > max)
        {
            throw new ArgumentException($"{number} is out of range [{min}, {max}].");
        }

        return () => apply(number);
    }

    private static T Deserialize<T>(string body) =>
        JsonSerializer.Deserialize<T>(body, Json) ?? throw new ArgumentException("A JSON body is required.");

    private static JsonObject Parse(string body) =>
        JsonNode.Parse(body) as JsonObject ?? throw new ArgumentException("A JSON object is required.");

    private static JsonObject Ok() => new() { ["ok"] = true };

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode? body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body?.ToJsonString(Json) ?? "null", context.RequestAborted);
    }

    private sealed record SeedFleetRequest(int? Subscriptions, int? ClustersPerSubscription);

    private sealed record BackgroundOperationRequest(string? ClusterId, string? State, int? DurationMs);
}
