using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>Turns an API server error (a Status object) into an <see cref="AksSecurityException"/> the user can act on.</summary>
internal static partial class KubernetesErrors
{
    [GeneratedRegex("conflict with \"(?<manager>[^\"]+)\"")]
    private static partial Regex ConflictManagerPattern();

    /// <param name="verb">The Kubernetes verb (get, list, create, patch, delete).</param>
    /// <param name="what">The object or collection, e.g. "DaemonSet kube-system/kured".</param>
    public static AksSecurityException ToException(KubernetesResponse response, string verb, string what, string resource)
    {
        var status = response.Body as JsonObject;
        var message = Text(status?["message"]) ?? (response.Text.Length is > 0 and < 300 ? response.Text.Trim() : $"HTTP {response.Status}");
        var reason = Text(status?["reason"]);
        var causes = (status?["details"]?["causes"] as JsonArray)?.OfType<JsonObject>().ToList() ?? new List<JsonObject>();
        var (kind, text) = response.Status switch
        {
            401 => (AksErrorKind.AuthenticationError,
                $"The Kubernetes API server did not accept our credentials to {verb} {what} (401 Unauthorized). The credential may have expired or belong to another cluster."),
            403 => (AksErrorKind.PermissionDenied,
                $"Permission denied: the signed-in identity may not {verb} {resource} ({what}). Grant a Kubernetes role (or Azure RBAC for Kubernetes role) that allows '{verb}' on '{resource}'. Server: {message}"),
            404 => (AksErrorKind.ObjectNotFound, $"Not found: {what}. {message}"),
            409 when causes.Count > 0 && verb == "patch" => (AksErrorKind.ConcurrentChange, ConflictText(what, causes)),
            409 => (AksErrorKind.ConcurrentChange, $"Conflict on {what} ({reason ?? "Conflict"}): {message}"),
            422 => (AksErrorKind.InvalidData, $"The API server rejected {what} as invalid: {CausesText(causes, message)}"),
            400 => (AksErrorKind.InvalidData, $"The API server rejected the request to {verb} {what}: {message}"),
            429 => (AksErrorKind.ServiceUnavailable, $"The Kubernetes API server kept throttling the request to {verb} {what} (429) after {KubernetesHttp.MaxRetries + 1} attempts: {message}"),
            >= 500 => (AksErrorKind.ServiceUnavailable, $"The Kubernetes API server failed to {verb} {what} (HTTP {response.Status}) after retries: {message}"),
            _ => (AksErrorKind.OperationFailed, $"The Kubernetes API server answered HTTP {response.Status} to {verb} {what}: {message}"),
        };
        return new AksSecurityException(kind, text, what) { HttpStatus = response.Status };
    }

    private static string ConflictText(string what, IReadOnlyList<JsonObject> causes)
    {
        var byManager = causes
            .GroupBy(c => ConflictManagerPattern().Match(Text(c["message"]) ?? "") is { Success: true } m ? m.Groups["manager"].Value : "another field manager")
            .Select(g => $"'{g.Key}' owns {string.Join(", ", g.Select(c => Text(c["field"]) ?? "?"))}");
        return $"Server-side apply conflict on {what}: {string.Join("; ", byManager)}. Those fields were set by another tool; run again with -Force to take them over.";
    }

    private static string CausesText(IReadOnlyList<JsonObject> causes, string message) =>
        causes.Count == 0 ? message : string.Join("; ", causes.Select(c => $"{Text(c["field"])}: {Text(c["message"]) ?? Text(c["reason"])}"));

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
