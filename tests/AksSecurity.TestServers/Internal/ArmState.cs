using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

internal sealed record Subscription(string Id, string DisplayName);

internal sealed record ResourceGroup(string SubscriptionId, string Name, string Location);

internal sealed class ClusterEntry(JsonObject document)
{
    public JsonObject Document { get; } = document;

    /// <summary>The operation (ours or another party's) that blocks writes until it ends.</summary>
    public ArmOperation? RunningOperation { get; set; }

    public string Id => Document["id"]!.GetValue<string>();
}

/// <summary>
/// Subscriptions, resource groups, clusters and operations of the fake. Not thread-safe by itself:
/// every caller holds <see cref="Gate"/>, so a check and the write that follows it are atomic.
/// </summary>
internal sealed class ArmState
{
    public const string TenantId = "72f988bf-0000-0000-0000-000000000000";
    public const string Subscription0 = "00000000-0000-0000-0000-000000000000";
    public const string Subscription1 = "11111111-1111-1111-1111-111111111111";
    private const string SeedLocation = "location1";
    private const string FleetResourceGroup = "rg-fleet";
    private const int MaxFleetSubscriptions = 5000;
    private static readonly RoutePattern ClusterIdPattern = new("subscriptions/{sub}/resourcegroups/{rg}/providers/microsoft.containerservice/managedclusters/{name}");

    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<ResourceGroup>> _resourceGroups = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ClusterEntry> _clusters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ArmOperation> _operations = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every resource other than a cluster (extension, child, subscription-level), keyed by its id without a trailing slash.</summary>
    private readonly Dictionary<string, JsonObject> _resources = new(StringComparer.OrdinalIgnoreCase);

    public ArmState() => Seed();

    public object Gate { get; } = new();

    public IEnumerable<Subscription> Subscriptions => _subscriptions.Values;

    public static string ClusterId(string subscriptionId, string resourceGroup, string name) =>
        $"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.ContainerService/managedClusters/{name}";

    /// <summary>Splits a managed cluster id into its parts; false if it is not one.</summary>
    public static bool TryParseClusterId(string id, out string subscriptionId, out string resourceGroup, out string name)
    {
        var matched = ClusterIdPattern.TryMatch(id.Split('/', StringSplitOptions.RemoveEmptyEntries), out var values);
        subscriptionId = matched ? values["sub"] : "";
        resourceGroup = matched ? values["rg"] : "";
        name = matched ? values["name"] : "";
        return matched;
    }

    /// <summary>A short opaque eTag like the examples' "beywbwei", never equal to <paramref name="previous"/>.</summary>
    public static string NewETag(string? previous = null)
    {
        string eTag;
        do
        {
            eTag = new string(RandomNumberGenerator.GetItems<char>("abcdefghijklmnopqrstuvwxyz", 8));
        }
        while (eTag == previous);
        return eTag;
    }

    /// <summary>Back to the seed: two subscriptions, their resource groups, four clusters built from the examples and the resources of <see cref="ResourceSeed"/>.</summary>
    public void Seed()
    {
        _subscriptions.Clear();
        _resourceGroups.Clear();
        _clusters.Clear();
        _operations.Clear();
        _resources.Clear();

        AddSubscription(new Subscription(Subscription0, "AksSecurity Test 1"));
        AddSubscription(new Subscription(Subscription1, "AksSecurity Test 2"));
        foreach (var (subscription, group) in new[] { (Subscription0, "rg1"), (Subscription0, "rg2"), (Subscription0, "rg-empty"), (Subscription0, "rg-monitor"), (Subscription1, "rg3") })
        {
            _resourceGroups[subscription].Add(new ResourceGroup(subscription, group, SeedLocation));
        }

        SeedCluster(Subscription0, "rg1", "clustername1", ExampleFixtures.ResponseBody(ExampleFixtures.ManagedClustersGet, "200"));
        SeedCluster(Subscription0, "rg1", "private1", ExampleFixtures.ResponseBody(ExampleFixtures.PrivateClusterPublicFqdn, "200"));

        SeedCluster(Subscription0, "rg2", "restricted1", RestrictedBody());

        SeedCluster(Subscription1, "rg3", "runcmd1", ExampleFixtures.ResponseBody(ExampleFixtures.DisableRunCommand, "200"));
        ResourceSeed.Add(this);
    }

    /// <summary>
    /// Back to the seed, then <paramref name="subscriptions"/> more subscriptions (<see cref="FleetSubscriptionId"/>), each with
    /// resource group <c>rg-fleet</c>, <paramref name="clustersPerSubscription"/> clusters <c>aks-{s:000}-{c:000}</c> built in
    /// turn from the four seed examples, and the Defender plans of the seed (Containers on Free). Returns the new subscription ids.
    /// </summary>
    public IReadOnlyList<string> SeedFleet(int subscriptions, int clustersPerSubscription)
    {
        if (subscriptions is < 1 or > MaxFleetSubscriptions || clustersPerSubscription is < 0 or > 1000)
        {
            throw new ArgumentException($"A fleet has 1 to {MaxFleetSubscriptions} subscriptions and 0 to 1000 clusters per subscription.");
        }

        Seed();
        var bodies = new Func<JsonObject>[]
        {
            () => ExampleFixtures.ResponseBody(ExampleFixtures.ManagedClustersGet, "200"),
            () => ExampleFixtures.ResponseBody(ExampleFixtures.PrivateClusterPublicFqdn, "200"),
            RestrictedBody,
            () => ExampleFixtures.ResponseBody(ExampleFixtures.DisableRunCommand, "200"),
        };
        var ids = new List<string>();
        for (var s = 1; s <= subscriptions; s++)
        {
            var subscriptionId = FleetSubscriptionId(s);
            AddSubscription(new Subscription(subscriptionId, $"AksSecurity Fleet {s:000}"));
            _resourceGroups[subscriptionId].Add(new ResourceGroup(subscriptionId, FleetResourceGroup, SeedLocation));
            for (var c = 1; c <= clustersPerSubscription; c++)
            {
                SeedCluster(subscriptionId, FleetResourceGroup, $"aks-{s:000}-{c:000}", bodies[(c - 1) % bodies.Length]());
            }

            ResourceSeed.AddPricings(this, subscriptionId, containersStandard: false);
            ids.Add(subscriptionId);
        }

        return ids;
    }

    /// <summary>Fleet subscription <paramref name="index"/> (1-based): f1ee0001-0000-4000-8000-000000000000 and so on.</summary>
    public static string FleetSubscriptionId(int index) => $"f1ee{index:x4}-0000-4000-8000-000000000000";

    public Subscription? FindSubscription(string id) => _subscriptions.GetValueOrDefault(id);

    public IReadOnlyList<ResourceGroup> ResourceGroups(string subscriptionId) =>
        _resourceGroups.TryGetValue(subscriptionId, out var groups) ? groups : [];

    public ResourceGroup? FindResourceGroup(string subscriptionId, string name) =>
        ResourceGroups(subscriptionId).FirstOrDefault(g => g.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public ClusterEntry? FindCluster(string id) => _clusters.GetValueOrDefault(id.TrimEnd('/'));

    /// <summary>Clusters whose id starts with <paramref name="scope"/>, in a stable order (ARM paging needs one).</summary>
    public IReadOnlyList<ClusterEntry> ClustersUnder(string scope) =>
        _clusters.Values
            .Where(c => c.Id.StartsWith(scope.TrimEnd('/') + "/", StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Id, StringComparer.OrdinalIgnoreCase)
            .ToArray();

    public IReadOnlyList<string> ClusterIds() =>
        _clusters.Values.Select(c => c.Id).Order(StringComparer.OrdinalIgnoreCase).ToArray();

    public void StoreCluster(ClusterEntry entry) => _clusters[entry.Id] = entry;

    public JsonObject? FindResource(string id) => _resources.GetValueOrDefault(NormalizeId(id));

    /// <summary>Stores <paramref name="document"/> itself (callers pass a copy) under <paramref name="id"/>.</summary>
    public void StoreResource(string id, JsonObject document) => _resources[NormalizeId(id)] = document;

    public bool RemoveResource(string id) => _resources.Remove(NormalizeId(id));

    /// <summary>Resources whose id is <c>{collectionId}/{name}</c>, sorted by id.</summary>
    public IReadOnlyList<JsonObject> ResourcesIn(string collectionId)
    {
        var prefix = NormalizeId(collectionId) + "/";
        return _resources
            .Where(r => r.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && r.Key.IndexOf('/', prefix.Length) < 0)
            .OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase)
            .Select(r => r.Value)
            .ToArray();
    }

    /// <summary>Every stored resource as (id, document), sorted by id.</summary>
    public IReadOnlyList<KeyValuePair<string, JsonObject>> Resources() =>
        _resources.OrderBy(r => r.Key, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>"/a/b/" and "a/b" name the same resource.</summary>
    public static string NormalizeId(string id) => "/" + id.Trim('/');

    public void RemoveCluster(ClusterEntry entry) => _clusters.Remove(entry.Id);

    /// <summary>
    /// Seeds or replaces a cluster from a whole document (its id says where), with a new eTag and provisioningState
    /// Succeeded. The resource group is created if needed; an operation running on the old document is dropped.
    /// </summary>
    public void PutSeedDocument(JsonObject document, DateTimeOffset now)
    {
        var id = document["id"]?.GetValue<string>() ?? throw new ArgumentException("The cluster document has no id.", nameof(document));
        if (!TryParseClusterId(id, out var subscriptionId, out var group, out _))
        {
            throw new ArgumentException($"'{id}' is not a managed cluster resource id.", nameof(document));
        }

        if (FindSubscription(subscriptionId) is null)
        {
            throw new ArgumentException($"Subscription '{subscriptionId}' is not one of the fake's subscriptions.", nameof(document));
        }

        if (FindResourceGroup(subscriptionId, group) is null)
        {
            _resourceGroups[subscriptionId].Add(new ResourceGroup(subscriptionId, group, document["location"]?.GetValue<string>() ?? SeedLocation));
        }

        if (FindCluster(id) is { RunningOperation: { } running })
        {
            running.End = now;
            running.FinalStatus = "Canceled";
        }

        var stored = (JsonObject)document.DeepClone();
        stored["eTag"] = NewETag(FindCluster(id)?.Document["eTag"]?.GetValue<string>());
        Properties(stored)["provisioningState"] = "Succeeded";
        StoreCluster(new ClusterEntry(stored));
    }

    public void AddOperation(ArmOperation operation, ClusterEntry cluster)
    {
        _operations[operation.Id] = operation;
        cluster.RunningOperation = operation;
        Properties(cluster.Document)["provisioningState"] = operation.RunningState;
    }

    public ArmOperation? FindOperation(string id) => _operations.GetValueOrDefault(id);

    /// <summary>Ends every operation whose time is up, so clusters settle even when nobody polls.</summary>
    public void Advance(DateTimeOffset now)
    {
        foreach (var operation in _operations.Values.Where(o => o.End is null && now - o.Start >= o.MaxDuration).ToArray())
        {
            Complete(operation, operation.Start + operation.MaxDuration);
        }
    }

    /// <summary>Ends an operation with its final status and applies the outcome to its cluster.</summary>
    public void Complete(ArmOperation operation, DateTimeOffset end)
    {
        operation.End = end;
        var cluster = FindCluster(operation.ClusterId);
        if (cluster is null || cluster.RunningOperation != operation)
        {
            return;
        }

        cluster.RunningOperation = null;
        if (operation.IsDelete && operation.FinalStatus == ArmOperation.Succeeded)
        {
            RemoveCluster(cluster);
            return;
        }

        var properties = Properties(cluster.Document);
        properties["provisioningState"] = operation.FinalStatus;
        if (operation.Error() is { } error)
        {
            // The spec's properties.status.provisioningError carries the reason of the last failure.
            properties["status"] = new JsonObject { ["provisioningError"] = error };
        }
    }

    public static JsonObject Properties(JsonObject document)
    {
        if (document["properties"] is JsonObject properties)
        {
            return properties;
        }

        properties = new JsonObject();
        document["properties"] = properties;
        return properties;
    }

    /// <summary>No example has authorized IP ranges: they are added to the Azure RBAC example (see Fixtures/SOURCE.md).</summary>
    private static JsonObject RestrictedBody()
    {
        var restricted = ExampleFixtures.ResponseBody(ExampleFixtures.EnableAzureRbac, "200");
        restricted["properties"]!["apiServerAccessProfile"] = new JsonObject
        {
            ["authorizedIPRanges"] = new JsonArray("20.10.0.0/24", "52.3.4.5/32"),
            ["disableRunCommand"] = true,
        };
        return restricted;
    }

    private void AddSubscription(Subscription subscription)
    {
        _subscriptions[subscription.Id] = subscription;
        _resourceGroups[subscription.Id] = [];
    }

    /// <summary>An example body moved to its seed place: id, name and node resource group rewritten, fresh eTag.</summary>
    private void SeedCluster(string subscriptionId, string resourceGroup, string name, JsonObject body)
    {
        body["id"] = ClusterId(subscriptionId, resourceGroup, name);
        body["name"] = name;
        body["eTag"] = NewETag();
        var properties = Properties(body);
        properties["provisioningState"] = "Succeeded";
        properties["nodeResourceGroup"] = $"MC_{resourceGroup}_{name}_{body["location"]!.GetValue<string>()}";
        StoreCluster(new ClusterEntry(body));
    }
}
