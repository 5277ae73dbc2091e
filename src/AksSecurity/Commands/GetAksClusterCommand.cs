using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Clusters;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Gets managed clusters by name (wildcards), resource group, resource id, or all in the given subscriptions.</summary>
[Cmdlet(VerbsCommon.Get, "AksCluster", DefaultParameterSetName = ListSet)]
[OutputType(typeof(AksCluster))]
public sealed class GetAksClusterCommand : AksCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "ById";

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
    [ValidateNotNullOrEmpty]
    public string[]? SubscriptionId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceId", "ClusterId")]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
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
