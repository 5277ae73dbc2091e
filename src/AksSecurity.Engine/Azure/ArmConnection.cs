using System.Text.Json.Nodes;
using global::Azure.Core;

namespace AksSecurity.Engine.Azure;

/// <summary>A signed-in connection to one ARM endpoint with a current subscription.</summary>
public sealed class ArmConnection
{
    private ArmConnection(ArmClient client, AksContext context)
    {
        Client = client;
        Context = context;
    }

    internal ArmClient Client { get; }

    public AksContext Context { get; }

    public string? SubscriptionId => Context.SubscriptionId;

    /// <summary>Test hook: a transport trusting the test CA.</summary>
    internal static global::Azure.Core.Pipeline.HttpPipelineTransport? TestTransport { get; set; }

    /// <summary>Test hook: shorter retry and polling delays.</summary>
    internal static Action<ArmClientOptions>? TestOptions { get; set; }

    /// <summary>
    /// Resolves the environment, builds the credential and proves it with one call (listing subscriptions), which also
    /// resolves a subscription given by name.
    /// </summary>
    public static async Task<ArmConnection> ConnectAsync(ConnectionRequest request, IOperationSink sink, CancellationToken cancellationToken)
    {
        var options = new ArmClientOptions();
        if (request.MaxRetries is int retries)
        {
            options.Retry.MaxRetries = Math.Clamp(retries, 0, 10);
        }

        if (request.RetryDelay is TimeSpan delay)
        {
            options.Retry.Delay = delay;
        }

        if (request.OperationTimeout is TimeSpan timeout)
        {
            options.OperationTimeout = timeout;
            options.BusyWaitTimeout = timeout;
        }

        if (TestTransport is not null)
        {
            options.Transport = TestTransport;
        }

        TestOptions?.Invoke(options);

        var environment = await ResolveEnvironmentAsync(request, options, sink, cancellationToken).ConfigureAwait(false);
        sink.Verbose($"Connecting to {environment.Name} ({environment.ResourceManager}) with {request.Method}.");
        var credential = CredentialFactory.Create(request, environment, sink);
        var client = new ArmClient(environment, credential, options);

        var subscriptions = await ListSubscriptionsAsync(client, sink, cancellationToken).ConfigureAwait(false);
        var chosen = ChooseSubscription(request.Subscription, subscriptions, sink);
        var context = new AksContext
        {
            Environment = environment.Name,
            ArmEndpoint = environment.ResourceManager.AbsoluteUri,
            TenantId = chosen?.TenantId ?? request.TenantId,
            SubscriptionId = chosen?.Id,
            SubscriptionName = chosen?.Name,
            Account = request.Account ?? request.ClientId ?? request.Method.ToString(),
            AuthenticationMethod = request.Method.ToString(),
            ConnectedBy = request.ConnectedBy,
        };
        return new ArmConnection(client, context);
    }

    public sealed record Subscription(string Id, string Name, string? TenantId, string? State);

    public Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(IOperationSink sink, CancellationToken cancellationToken) =>
        ListSubscriptionsAsync(Client, sink, cancellationToken);

    private static async Task<IReadOnlyList<Subscription>> ListSubscriptionsAsync(ArmClient client, IOperationSink sink, CancellationToken cancellationToken)
    {
        var list = new List<Subscription>();
        await foreach (var item in ArmPaging.ListAsync(client, "/subscriptions?api-version=2022-12-01", "list subscriptions", "subscriptions", sink, cancellationToken).ConfigureAwait(false))
        {
            list.Add(new Subscription(
                item["subscriptionId"]?.GetValue<string>() ?? "",
                item["displayName"]?.GetValue<string>() ?? "",
                item["tenantId"]?.GetValue<string>(),
                item["state"]?.GetValue<string>()));
        }

        return list;
    }

    private static Subscription? ChooseSubscription(string? wanted, IReadOnlyList<Subscription> subscriptions, IOperationSink sink)
    {
        if (string.IsNullOrWhiteSpace(wanted))
        {
            var first = subscriptions.FirstOrDefault(s => string.Equals(s.State, "Enabled", StringComparison.OrdinalIgnoreCase)) ?? subscriptions.FirstOrDefault();
            if (first is null)
            {
                sink.Warning("The identity can see no subscription. Pass -Subscription, or grant it a role on one.");
            }
            else if (subscriptions.Count > 1)
            {
                sink.Verbose($"{subscriptions.Count} subscriptions visible; using '{first.Name}' ({first.Id}). Pass -Subscription to choose another.");
            }

            return first;
        }

        var byId = subscriptions.FirstOrDefault(s => string.Equals(s.Id, wanted, StringComparison.OrdinalIgnoreCase));
        var byName = subscriptions.Where(s => string.Equals(s.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byId is null && byName.Count > 1)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"{byName.Count} subscriptions are named '{wanted}' ({string.Join(", ", byName.Select(s => s.Id))}); pass the id instead.", wanted);
        }

        return byId ?? byName.FirstOrDefault() ?? throw new AksSecurityException(AksErrorKind.ObjectNotFound,
            $"Subscription '{wanted}' is not among the {subscriptions.Count} subscription(s) this identity can see.", wanted);
    }

    private static async Task<ArmEnvironment> ResolveEnvironmentAsync(ConnectionRequest request, ArmClientOptions options, IOperationSink sink, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.ArmEndpoint))
        {
            return ArmEnvironment.FromName(request.Environment);
        }

        var endpoint = ArmEnvironment.ValidateEndpoint(request.ArmEndpoint);
        var audience = request.ArmAudience;
        var authority = request.AuthorityHost;
        if (audience is null || authority is null)
        {
            // Azure Stack Hub publishes its audience and login endpoint; ask once, without a token.
            var metadata = await ArmMetadata.ReadAsync(endpoint, options, sink, cancellationToken).ConfigureAwait(false);
            audience ??= metadata.Audience ?? endpoint.AbsoluteUri;
            authority ??= metadata.LoginEndpoint ?? ArmEnvironment.AzureCloud.AuthorityHost.AbsoluteUri;
        }

        return new ArmEnvironment("Custom", endpoint, audience, ArmEnvironment.ValidateEndpoint(authority));
    }
}

/// <summary>Follows ARM's nextLink paging.</summary>
internal static class ArmPaging
{
    public static async IAsyncEnumerable<JsonObject> ListAsync(ArmClient client, string firstPage, string what, string target, IOperationSink sink,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? next = firstPage;
        while (next is not null)
        {
            var response = await client.SendAsync(RequestMethod.Get, next, null, null, sink, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                throw ArmErrors.ToException(response, target, what);
            }

            if (response.Body?["value"] is JsonArray items)
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    yield return item;
                }
            }

            next = response.Body?["nextLink"]?.GetValue<string>();
        }
    }
}
