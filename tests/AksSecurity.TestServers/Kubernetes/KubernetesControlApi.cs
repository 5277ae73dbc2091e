using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.TestServers.Internal;
using Microsoft.AspNetCore.Http;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>/_fake/k8s/...: drives the fake Kubernetes API server from outside the process (Pester). Not recorded, no authentication, no faults.</summary>
internal sealed class KubernetesControlApi(FakeKubernetesServer server)
{
    public const string Prefix = "/_fake/k8s/";

    public static bool IsControlPath(string path) => path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted);
        var route = $"{request.Method} {path[Prefix.Length..].TrimEnd('/').ToLowerInvariant()}";
        string? Query(string name) => request.Query.TryGetValue(name, out var value) && value.ToString().Length > 0 ? value.ToString() : null;
        string Required(string name) => Query(name) ?? throw new ArgumentException($"The query parameter '{name}' is required.");
        try
        {
            var (status, result) = route switch
            {
                "POST reset" => Done(server.Reset),
                "GET requests" => (200, JsonSerializer.SerializeToNode(server.Requests, ControlApi.Json)),
                "DELETE requests" => Done(server.ClearRequests),
                "POST faults" => Done(() => server.InjectFault(JsonSerializer.Deserialize<FaultRule>(body, ControlApi.Json) ?? throw new ArgumentException("A fault rule is required."))),
                "PUT options" => Done(() => ApplyOptions(Parse(body))),
                "GET object" => server.GetObject(Required("apiVersion"), Required("kind"), Query("namespace"), Required("name")) is { } found
                    ? (200, found)
                    : (404, Error("NotFound", $"No {Query("kind")} '{Query("name")}' in namespace '{Query("namespace")}'.")),
                "PUT object" => (200, server.PutObject(Parse(body))),
                "DELETE object" => server.DeleteObject(Required("apiVersion"), Required("kind"), Query("namespace"), Required("name"), Query("propagationPolicy") ?? "Background")
                    ? (200, Ok())
                    : (404, Error("NotFound", $"No {Query("kind")} '{Query("name")}' in namespace '{Query("namespace")}'.")),
                "GET objects" => (200, new JsonArray(server.ListObjects(Required("apiVersion"), Required("kind"), Query("namespace")).Select(o => (JsonNode?)o).ToArray())),
                "POST pod-log" => Done(() => AppendLog(Parse(body))),
                "POST tokens" => Done(() => RegisterToken(Parse(body))),
                "GET kubeconfig" => (200, new JsonObject
                {
                    ["kubeconfig"] = server.KubeConfig(
                        (Query("user") ?? "token").ToLowerInvariant() switch
                        {
                            "token" => FakeKubeUser.Token,
                            "clientcertificate" => FakeKubeUser.ClientCertificate,
                            var other => throw new ArgumentException($"user must be token or clientCertificate, not '{other}'."),
                        },
                        Query("context")),
                }),
                _ => (404, Error("NotFound", $"No control route {request.Method} {path}.")),
            };
            await WriteAsync(context, status, result);
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

    /// <summary>A partial update, names case-insensitive; everything is checked before anything is applied.</summary>
    private void ApplyOptions(JsonObject update)
    {
        var options = server.Options;
        var changes = new List<Action>();
        foreach (var (name, value) in update)
        {
            changes.Add(name.ToLowerInvariant() switch
            {
                "gitversion" => value?.GetValue<string>() is { Length: > 0 } version ? () => options.GitVersion = version : throw new ArgumentException("gitVersion must be a non-empty string."),
                "jobbehavior" => Enum.TryParse<JobBehavior>(value?.GetValue<string>(), ignoreCase: true, out var behavior)
                    ? () => options.JobBehavior = behavior
                    : throw new ArgumentException("jobBehavior must be Complete, Hang or Fail."),
                "podphasedelayms" => value?.GetValue<int>() is >= 0 and <= 60_000 and var ms ? () => options.PodPhaseDelay = TimeSpan.FromMilliseconds(ms) : throw new ArgumentException("podPhaseDelayMs must be 0..60000."),
                "kubebenchlog" => value is null ? () => options.KubeBenchLog = null : Text(value, text => options.KubeBenchLog = _ => text),
                "nodelogs" => value as JsonObject is { } map
                    ? () => options.NodeLogs = map.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? throw new ArgumentException($"nodeLogs.{p.Key} must be a string."), StringComparer.Ordinal)
                    : throw new ArgumentException("nodeLogs must be an object of node name → text."),
                "daemonsetsbecomeready" => value?.GetValue<bool>() is { } ready ? () => options.DaemonSetsBecomeReady = ready : throw new ArgumentException("daemonSetsBecomeReady must be true or false."),
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            });
        }

        changes.ForEach(change => change());
    }

    private static Action Text(JsonNode value, Action<string> apply)
    {
        var text = value.GetValue<string>();
        return () => apply(text);
    }

    private void AppendLog(JsonObject body)
    {
        string? Member(string name) => body.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();
        server.AppendPodLog(
            Member("namespace") ?? throw new ArgumentException("namespace is required."),
            Member("pod") ?? throw new ArgumentException("pod is required."),
            Member("container"),
            Member("text") ?? throw new ArgumentException("text is required."),
            Member("time") is { } time ? DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private void RegisterToken(JsonObject body)
    {
        JsonNode? Member(string name) => body.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        server.RegisterToken(
            Member("token")?.GetValue<string>() ?? throw new ArgumentException("token is required."),
            Member("user")?.GetValue<string>() ?? "fake-token-user",
            Member("forbidden")?.GetValue<bool>() ?? false);
    }

    private static JsonObject Parse(string body) =>
        JsonNode.Parse(body) as JsonObject ?? throw new ArgumentException("A JSON object is required.");

    private static JsonObject Ok() => new() { ["ok"] = true };

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static async Task WriteAsync(HttpContext context, int status, JsonNode? body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body?.ToJsonString(ControlApi.Json) ?? "null", context.RequestAborted);
    }
}
