using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Fleet;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Gets managed clusters by name (wildcards), resource group, resource id, all in the given subscriptions, or (-All) every
/// cluster of every subscription the caller can see through Azure Resource Graph, streamed as the pages arrive.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AksCluster", DefaultParameterSetName = ListSet)]
[OutputType(typeof(AksCluster))]
public sealed class GetAksClusterCommand : AksCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "ById";
    private const string AllSet = "All";

    [Parameter(Position = 0, ParameterSetName = ListSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? ResourceGroupName { get; set; }

    [Parameter(Position = 1, ParameterSetName = ListSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [Alias("ClusterName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter(ParameterSetName = ListSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = AllSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(SubscriptionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? SubscriptionId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceId", "ClusterId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == AllSet)
        {
            ListAll();
            return;
        }

        if (ParameterSetName == IdSet)
        {
            foreach (var id in Id)
            {
                ForItem(id, () =>
                {
                    var parsed = ClusterResourceId.Parse(id);
                    var client = new ManagedClusterClient(Connection);
                    WriteObject(Run((sink, token) => client.GetAsync(parsed, sink, token)).ToAksCluster());
                });
            }

            return;
        }

        ForItem(SubscriptionId is { Length: 1 } ? SubscriptionId[0] : null, () =>
        {
            foreach (var subscription in Subscriptions())
            {
                ForItem(subscription, () => ListIn(subscription));
            }
        });
    }

    /// <summary>Resource Graph, in id order per batch of subscriptions; each cluster is written as soon as its page arrives.</summary>
    private void ListAll()
    {
        string[]? subscriptions = null;
        if (SubscriptionId is { Length: > 0 })
        {
            foreach (var invalid in SubscriptionId.Where(s => !ClusterResourceId.IsValidSubscriptionId(s)))
            {
                WriteError(ErrorRecords.From(new AksSecurityException(AksErrorKind.InvalidArgument, $"Subscription id '{invalid}' is not a GUID.", invalid), invalid));
            }

            subscriptions = SubscriptionId.Where(ClusterResourceId.IsValidSubscriptionId).ToArray();
            if (subscriptions.Length == 0)
            {
                return;
            }
        }

        ForItem(subscriptions is { Length: 1 } ? subscriptions[0] : null, () =>
        {
            var connection = Connection;
            RunStream(
                (sink, token) => AsClusters(ClusterInventory.ListAsync(connection, subscriptions, sink, token), token),
                cluster => WriteObject(cluster));
        });
    }

    private static async IAsyncEnumerable<AksCluster> AsClusters(IAsyncEnumerable<ManagedClusterDocument> documents,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        await foreach (var document in documents.WithCancellation(token).ConfigureAwait(false))
        {
            yield return document.ToAksCluster();
        }
    }

    private IEnumerable<string> Subscriptions()
    {
        if (SubscriptionId is { Length: > 0 })
        {
            return SubscriptionId;
        }

        return new[] { Connection.SubscriptionId ?? throw new AksSecurityException(AksErrorKind.InvalidArgument, "No subscription: pass -SubscriptionId or connect with -Subscription.", "SubscriptionId") };
    }

    private void ListIn(string subscription)
    {
        if (!ClusterResourceId.IsValidSubscriptionId(subscription))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Subscription id '{subscription}' is not a GUID.", subscription);
        }

        var client = new ManagedClusterClient(Connection);
        var exactGroup = ResourceGroupName is not null && !WildcardPattern.ContainsWildcardCharacters(ResourceGroupName);
        var exactName = Name is not null && !WildcardPattern.ContainsWildcardCharacters(Name);

        if (exactGroup && !ClusterResourceId.IsValidResourceGroupName(ResourceGroupName!))
        {
            // It becomes part of the request path: never send one that could name another path.
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Resource group name '{ResourceGroupName}' is not valid.", ResourceGroupName);
        }

        if (exactGroup && exactName)
        {
            var id = ClusterResourceId.Create(subscription, ResourceGroupName!, Name!);
            WriteObject(Run((sink, token) => client.GetAsync(id, sink, token)).ToAksCluster());
            return;
        }

        var groupFilter = ResourceGroupName is null ? null : new WildcardPattern(ResourceGroupName, WildcardOptions.IgnoreCase);
        var nameFilter = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        var clusters = Run(async (sink, token) =>
        {
            var list = new List<AksCluster>();
            await foreach (var document in client.ListAsync(subscription, exactGroup ? ResourceGroupName : null, sink, token).ConfigureAwait(false))
            {
                list.Add(document.ToAksCluster());
            }

            return list;
        });

        var matches = clusters
            .Where(c => groupFilter?.IsMatch(c.ResourceGroupName) != false && nameFilter?.IsMatch(c.Name) != false)
            .OrderBy(c => c.ResourceGroupName, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (!exactGroup)
        {
            // A whole-subscription listing is what completion needs; a one-group listing would hide the other groups.
            CompletionCache.Remember(subscription, clusters);
        }

        if (matches.Count == 0 && exactName)
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"No cluster named '{Name}' in subscription {subscription}.", Name);
        }

        WriteObject(matches, enumerateCollection: true);
    }
}
