using System.Diagnostics;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Hardening;
using global::Azure.Core;

namespace AksSecurity.Engine.Clusters;

/// <summary>The outcome of applying a change: whether anything was sent, what changed, and the cluster afterwards.</summary>
public sealed record ApplyResult(bool Changed, ChangePlan Plan, ManagedClusterDocument Cluster);

/// <summary>
/// Reads and changes managed clusters. A change is read–plan–apply: GET the cluster, plan field edits on that document,
/// PUT it back with If-Match so a concurrent change is never overwritten, follow the long-running operation, GET again.
/// </summary>
public sealed class ManagedClusterClient
{
    public const string ApiVersion = "2026-08-01";

    private static readonly HashSet<string> TerminalStates = new(StringComparer.OrdinalIgnoreCase) { "Succeeded", "Failed", "Canceled" };

    private readonly ArmConnection _connection;
    private ArmClient Client => _connection.Client;

    public ManagedClusterClient(ArmConnection connection) => _connection = connection;

    public async Task<ManagedClusterDocument> GetAsync(ClusterResourceId id, IOperationSink sink, CancellationToken cancellationToken)
    {
        var response = await Client.SendAsync(RequestMethod.Get, $"{id.Id}?api-version={ApiVersion}", null, null, sink, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw ArmErrors.ToException(response, id.Id, $"read cluster '{id.Name}'");
        }

        return ToDocument(response.Body, id.Id);
    }

    /// <summary>Clusters of a subscription, or of one resource group in it, page by page as ARM returns them.</summary>
    public async IAsyncEnumerable<ManagedClusterDocument> ListAsync(string subscriptionId, string? resourceGroupName, IOperationSink sink,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scope = resourceGroupName is null ? $"/subscriptions/{subscriptionId}" : $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";
        var url = $"{scope}/providers/{ClusterResourceId.ResourceType}?api-version={ApiVersion}";
        await foreach (var item in ArmPaging.ListAsync(Client, url, $"list clusters in {scope}", scope, sink, cancellationToken).ConfigureAwait(false))
        {
            yield return ToDocument(item, item["id"]?.GetValue<string>() ?? scope);
        }
    }

    public async Task<IReadOnlyList<string>> ListResourceGroupNamesAsync(string subscriptionId, IOperationSink sink, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var item in ArmPaging.ListAsync(Client, $"/subscriptions/{subscriptionId}/resourcegroups?api-version=2022-09-01",
            "list resource groups", subscriptionId, sink, cancellationToken).ConfigureAwait(false))
        {
            names.Add(item["name"]?.GetValue<string>() ?? "");
        }

        return names;
    }

    /// <summary>Reads the cluster and plans the change on it, sending nothing else.</summary>
    public async Task<(ManagedClusterDocument Current, ChangePlan Plan)> PlanAsync(ClusterResourceId id, IClusterChange change, IOperationSink sink, CancellationToken cancellationToken)
    {
        var current = await GetAsync(id, sink, cancellationToken).ConfigureAwait(false);
        return (current, change.Plan(current));
    }

    /// <summary>
    /// Applies <paramref name="change"/> starting from the document it was planned on. On 412 (someone changed the cluster
    /// since it was read) the cluster is read and planned again once; on 409 (another operation running) it waits for that
    /// operation to end within <see cref="ArmClientOptions.BusyWaitTimeout"/>, then re-reads and re-plans.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(ManagedClusterDocument planned, IClusterChange change, IOperationSink sink, CancellationToken cancellationToken)
    {
        var id = ClusterResourceId.Parse(planned.View.Id);
        var current = planned;
        var plan = change.Plan(current);
        var replanned = false;
        var busyWait = Stopwatch.StartNew();
        while (true)
        {
            if (plan.IsEmpty)
            {
                return new ApplyResult(false, plan, current);
            }

            var body = (JsonObject)current.Root.DeepClone();
            plan.ApplyTo(body);
            var headers = new Dictionary<string, string>();
            if (current.ETag is { Length: > 0 } etag)
            {
                headers["If-Match"] = etag;
            }

            sink.Verbose($"{change.Action} on '{id.Name}':{Environment.NewLine}{plan.Describe()}");
            var response = await Client.SendAsync(RequestMethod.Put, $"{id.Id}?api-version={ApiVersion}", body, headers, sink, cancellationToken).ConfigureAwait(false);

            if (response.Status == 412 && !replanned)
            {
                replanned = true;
                sink.Warning($"Cluster '{id.Name}' was changed by someone else since it was read; reading it again and re-planning.");
                var confirmed = plan.Describe();
                (current, plan) = await PlanAsync(id, change, sink, cancellationToken).ConfigureAwait(false);
                ReportReplan(id, confirmed, plan, sink);
                continue;
            }

            if (response.Status == 409 && response.ErrorCode == "OperationNotAllowed")
            {
                current = await WaitUntilIdleAsync(id, response, busyWait, sink, cancellationToken).ConfigureAwait(false);
                var confirmed = plan.Describe();
                plan = change.Plan(current);
                ReportReplan(id, confirmed, plan, sink);
                continue;
            }

            if (!response.IsSuccess)
            {
                throw ArmErrors.ToException(response, id.Id, $"{change.Action.ToLowerInvariant()} on cluster '{id.Name}'");
            }

            await LongRunningOperation.WaitAsync(Client, response, id.Id, $"{change.Action} on '{id.Name}'", sink, cancellationToken).ConfigureAwait(false);
            var final = await GetAsync(id, sink, cancellationToken).ConfigureAwait(false);
            return new ApplyResult(true, plan, final);
        }
    }

    /// <summary>What the user confirmed may no longer be what is sent: say so, with the new plan's warnings.</summary>
    private static void ReportReplan(ClusterResourceId id, string confirmed, ChangePlan plan, IOperationSink sink)
    {
        foreach (var warning in plan.Warnings)
        {
            sink.Warning(warning);
        }

        if (plan.Describe() != confirmed)
        {
            sink.Warning($"The change to '{id.Name}' was planned again on the current cluster and is now:{Environment.NewLine}{plan.Describe()}");
        }
    }

    /// <summary>Another party's operation holds the cluster: wait (with progress) for it to reach a terminal state, within a bound.</summary>
    private async Task<ManagedClusterDocument> WaitUntilIdleAsync(ClusterResourceId id, ArmResponse conflict, Stopwatch waited, IOperationSink sink, CancellationToken cancellationToken)
    {
        var timeout = Client.Options.BusyWaitTimeout;
        sink.Warning($"Another operation is running on cluster '{id.Name}': {conflict.ErrorMessage} Waiting up to {GoDuration.Describe(timeout)} for it to finish.");
        while (true)
        {
            var current = await GetAsync(id, sink, cancellationToken).ConfigureAwait(false);
            var state = current.View.ProvisioningState ?? "Succeeded";
            if (TerminalStates.Contains(state))
            {
                return current;
            }

            if (waited.Elapsed > timeout)
            {
                throw new AksSecurityException(AksErrorKind.ResourceBusy,
                    $"Cluster '{id.Name}' is still {state} after {GoDuration.Describe(waited.Elapsed)}: another operation is running ({conflict.ErrorMessage}). Run the command again when it has finished, or abort it with 'az aks operation-abort'.",
                    id.Id) { ArmErrorCode = conflict.ErrorCode, HttpStatus = 409, RequestId = conflict.RequestId };
            }

            sink.Progress($"Waiting for cluster '{id.Name}'", $"Another operation is running: {state} ({waited.Elapsed:mm\\:ss} elapsed)", -1);
            await Task.Delay(Client.Options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ManagedClusterDocument ToDocument(JsonNode? body, string source) =>
        body is JsonObject obj
            ? new ManagedClusterDocument(obj, obj["id"]?.GetValue<string>() ?? source)
            : throw new AksSecurityException(AksErrorKind.InvalidData, $"ARM returned no cluster document for {source}.", source);
}
