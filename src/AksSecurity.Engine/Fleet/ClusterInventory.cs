using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using global::Azure.Core;

namespace AksSecurity.Engine.Fleet;

/// <summary>
/// Every managed cluster of many subscriptions through Azure Resource Graph (POST /providers/Microsoft.ResourceGraph/resources,
/// api-version 2022-10-01): a few paged queries instead of one list per subscription.
/// </summary>
/// <remarks>
/// Resource Graph rows carry the cluster's id, name, type, location, tags, sku, identity, kind, zones, extendedLocation and
/// properties, as ARM's GET does (type in lower case, as Resource Graph writes it), but no eTag: a change re-reads the
/// cluster (with its eTag) before it plans, as it always does. What Resource Graph holds can lag a change made seconds ago.
/// </remarks>
public static class ClusterInventory
{
    public const string ApiVersion = "2022-10-01";

    /// <summary>QueryRequestOptions.$top may be 1 to 1000 (resourcegraph.json 2022-10-01).</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// Learn, "Troubleshoot errors using Azure Resource Graph", Too many subscriptions: the REST API takes at most 1,000
    /// subscriptions per request; batch them.
    /// </summary>
    public const int MaxSubscriptionsPerRequest = 1000;

    /// <summary>
    /// Ordered by id because Learn's paging guidance needs a unique sort column for complete, duplicate-free pages;
    /// projected to the columns that make up the cluster document.
    /// </summary>
    public const string Query =
        "Resources | where type =~ 'microsoft.containerservice/managedclusters' "
        + "| project id, name, type, location, tags, sku, identity, kind, zones, extendedLocation, properties "
        + "| order by id asc";

    private const string ResourcesPath = "/providers/Microsoft.ResourceGraph/resources";
    private const string Activity = "Listing clusters through Azure Resource Graph";

    /// <summary>
    /// Every managed cluster in <paramref name="subscriptionIds"/>, or in every subscription the connection can see when
    /// null or empty, page by page as Resource Graph returns them (sorted by id within each batch of subscriptions).
    /// A subscription id that is not a GUID is an InvalidArgument before anything is sent. 429 and 5xx are retried by the
    /// ARM pipeline (honouring Retry-After); other failures throw an <see cref="AksSecurityException"/> with ARM's code.
    /// </summary>
    public static async IAsyncEnumerable<ManagedClusterDocument> ListAsync(ArmConnection connection, IReadOnlyList<string>? subscriptionIds, IOperationSink sink,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(sink);
        if (subscriptionIds?.FirstOrDefault(id => !ClusterResourceId.IsValidSubscriptionId(id)) is { } invalid)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Subscription id '{invalid}' is not a GUID.", invalid);
        }

        var subscriptions = subscriptionIds is { Count: > 0 }
            ? subscriptionIds.Distinct(StringComparer.OrdinalIgnoreCase).ToArray()
            : await VisibleSubscriptionsAsync(connection, sink, ct).ConfigureAwait(false);
        if (subscriptions.Length == 0)
        {
            yield break;
        }

        var batches = subscriptions.Chunk(MaxSubscriptionsPerRequest).ToArray();
        sink.Verbose($"Querying Azure Resource Graph for the clusters of {subscriptions.Length} subscription(s) in {batches.Length} request batch(es).");
        var listed = 0;
        for (var b = 0; b < batches.Length; b++)
        {
            string? skipToken = null;
            var listedInBatch = 0;
            do
            {
                var page = await QueryPageAsync(connection, batches[b], skipToken, sink, ct).ConfigureAwait(false);
                foreach (var row in page.Rows)
                {
                    ct.ThrowIfCancellationRequested();
                    listed++;
                    listedInBatch++;
                    yield return ToDocument(row);
                }

                sink.Progress(Activity, ProgressStatus(listedInBatch, page.TotalRecords, b, batches.Length),
                    page.TotalRecords > 0 ? (int)Math.Min(100, (b * 100 + listedInBatch * 100 / page.TotalRecords) / batches.Length) : 100);
                if (page.Truncated)
                {
                    sink.Warning($"Azure Resource Graph truncated the result after {listed} cluster(s) and gave no page to continue with; some clusters are missing.");
                }

                skipToken = page.SkipToken;
            }
            while (skipToken is not null);
        }

        sink.Verbose($"Azure Resource Graph listed {listed} cluster(s).");
    }

    private sealed record Page(IReadOnlyList<JsonObject> Rows, long TotalRecords, string? SkipToken, bool Truncated);

    private static async Task<Page> QueryPageAsync(ArmConnection connection, string[] subscriptions, string? skipToken, IOperationSink sink, CancellationToken ct)
    {
        var options = new JsonObject { ["$top"] = PageSize, ["resultFormat"] = "objectArray" };
        if (skipToken is not null)
        {
            options["$skipToken"] = skipToken;
        }

        var body = new JsonObject
        {
            ["subscriptions"] = new JsonArray(subscriptions.Select(s => (JsonNode?)s).ToArray()),
            ["query"] = Query,
            ["options"] = options,
        };
        var response = await connection.Client.SendAsync(RequestMethod.Post, $"{ResourcesPath}?api-version={ApiVersion}", body, null, sink, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw ArmErrors.ToException(response, "Microsoft.ResourceGraph/resources", "query Azure Resource Graph for managed clusters");
        }

        if (response.Body is not JsonObject result || result["data"] is not JsonArray data)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, "Azure Resource Graph answered without a 'data' array (objectArray format was asked for).", "Microsoft.ResourceGraph/resources");
        }

        var total = result["totalRecords"] is JsonValue t && t.TryGetValue<long>(out var n) ? n : data.Count;
        var next = result["$skipToken"] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;
        var truncated = next is null && string.Equals(result["resultTruncated"]?.ToString(), "true", StringComparison.OrdinalIgnoreCase);
        return new Page(data.OfType<JsonObject>().ToArray(), total, string.IsNullOrEmpty(next) ? null : next, truncated);
    }

    private static async Task<string[]> VisibleSubscriptionsAsync(ArmConnection connection, IOperationSink sink, CancellationToken ct)
    {
        var subscriptions = await connection.ListSubscriptionsAsync(sink, ct).ConfigureAwait(false);
        if (subscriptions.Count == 0)
        {
            sink.Warning("The identity can see no subscription, so there are no clusters to list. Grant it a role (e.g. Reader) on the subscriptions to audit.");
        }

        return subscriptions.Select(s => s.Id).Where(id => id.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>The row as a cluster document: the projected columns that have a value (ARM's GET leaves absent ones out too).</summary>
    private static ManagedClusterDocument ToDocument(JsonObject row)
    {
        var document = new JsonObject();
        foreach (var (name, value) in row.ToArray())
        {
            if (value is not null)
            {
                row.Remove(name);
                document[name] = value;
            }
        }

        var id = document["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return new ManagedClusterDocument(document, id ?? throw new AksSecurityException(AksErrorKind.InvalidData,
            "Azure Resource Graph returned a managed cluster row without an id.", "Microsoft.ResourceGraph/resources"));
    }

    private static string ProgressStatus(int listedInBatch, long total, int batch, int batches) =>
        batches == 1 ? $"{listedInBatch} of {total} clusters" : $"subscription batch {batch + 1} of {batches}: {listedInBatch} of {total} clusters";
}
