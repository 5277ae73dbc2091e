using System.Text.Json.Nodes;
using global::Azure.Core;

namespace AksSecurity.Engine.Azure;

/// <summary>
/// Reads and writes ARM resources other than the cluster itself: extension resources at the cluster's scope (policy
/// assignments, diagnostic settings), child resources (maintenance configurations), subscription settings (Defender
/// plans) and read-only lists (supported Kubernetes versions).
/// </summary>
public sealed class ArmResources
{
    private readonly ArmConnection _connection;

    public ArmResources(ArmConnection connection) => _connection = connection;

    private ArmClient Client => _connection.Client;

    /// <summary>The resource, or null when ARM answers 404.</summary>
    public async Task<JsonObject?> GetAsync(string resourceId, string apiVersion, IOperationSink sink, CancellationToken cancellationToken)
    {
        var response = await Client.SendAsync(RequestMethod.Get, Url(resourceId, apiVersion), null, null, sink, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return null;
        }

        return response.IsSuccess ? response.Body as JsonObject ?? new JsonObject() : throw ArmErrors.ToException(response, resourceId, $"read {resourceId}");
    }

    /// <summary>Every item of a collection, following nextLink. <paramref name="query"/> is extra query text such as "$filter=atScope()".</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(string collectionId, string apiVersion, string? query, IOperationSink sink, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        var url = Url(collectionId, apiVersion) + (string.IsNullOrEmpty(query) ? "" : "&" + query);
        await foreach (var item in ArmPaging.ListAsync(Client, url, $"list {collectionId}", collectionId, sink, cancellationToken).ConfigureAwait(false))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>A list that is not ARM's {"value": [...]} shape (kubernetesVersions answers {"values": [...]}): the raw body.</summary>
    public async Task<JsonObject> GetRawAsync(string path, string apiVersion, IOperationSink sink, CancellationToken cancellationToken)
    {
        var response = await Client.SendAsync(RequestMethod.Get, Url(path, apiVersion), null, null, sink, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response.Body as JsonObject ?? new JsonObject() : throw ArmErrors.ToException(response, path, $"read {path}");
    }

    public async Task<JsonObject?> PostAsync(string path, string apiVersion, JsonNode? body, IOperationSink sink, CancellationToken cancellationToken)
    {
        var response = await Client.SendAsync(RequestMethod.Post, Url(path, apiVersion), body, null, sink, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? response.Body as JsonObject : throw ArmErrors.ToException(response, path, $"call {path}");
    }

    /// <summary>Creates or replaces a resource and follows its long-running operation if it has one; returns the resource as ARM then holds it.</summary>
    public async Task<JsonObject?> PutAsync(string resourceId, string apiVersion, JsonObject body, string? ifMatch, IOperationSink sink, CancellationToken cancellationToken)
    {
        var headers = ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch };
        var response = await Client.SendAsync(RequestMethod.Put, Url(resourceId, apiVersion), body, headers, sink, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw ArmErrors.ToException(response, resourceId, $"write {resourceId}");
        }

        await LongRunningOperation.WaitAsync(Client, response, resourceId, $"Write {LastSegments(resourceId)}", sink, cancellationToken).ConfigureAwait(false);
        return response.Status == 202 || response.Header("Azure-AsyncOperation") is not null
            ? await GetAsync(resourceId, apiVersion, sink, cancellationToken).ConfigureAwait(false)
            : response.Body as JsonObject;
    }

    public async Task DeleteAsync(string resourceId, string apiVersion, IOperationSink sink, CancellationToken cancellationToken)
    {
        var response = await Client.SendAsync(RequestMethod.Delete, Url(resourceId, apiVersion), null, null, sink, cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return;
        }

        if (!response.IsSuccess)
        {
            throw ArmErrors.ToException(response, resourceId, $"delete {resourceId}");
        }

        await LongRunningOperation.WaitAsync(Client, response, resourceId, $"Delete {LastSegments(resourceId)}", sink, cancellationToken).ConfigureAwait(false);
    }

    private static string Url(string path, string apiVersion) => $"{path}{(path.Contains('?') ? '&' : '?')}api-version={apiVersion}";

    private static string LastSegments(string resourceId) => string.Join('/', resourceId.Split('/', StringSplitOptions.RemoveEmptyEntries).TakeLast(2));
}
