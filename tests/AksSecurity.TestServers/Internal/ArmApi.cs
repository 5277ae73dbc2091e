using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AksSecurity.TestServers.Kubernetes;

namespace AksSecurity.TestServers.Internal;

/// <summary>The ARM routes under /subscriptions: subscriptions, resource groups, managed clusters and their operations.</summary>
internal sealed partial class ArmApi
{
    private const string ClusterType = "Microsoft.ContainerService/managedClusters";
    private const string ClustersPath = "providers/microsoft.containerservice/managedclusters";
    private const string ClusterPath = "subscriptions/{sub}/resourcegroups/{rg}/" + ClustersPath + "/{name}";
    private const string OperationsPath = "subscriptions/{sub}/providers/microsoft.containerservice/locations/{location}";
    private const string SkipTokenParameter = "$skipToken";
    private const int MaxAuthorizedIpRanges = 200;

    /// <summary>Read-only properties the service computes; a PUT body cannot change them.</summary>
    private static readonly string[] ServerOwnedProperties =
        ["provisioningState", "fqdn", "privateFQDN", "azurePortalFQDN", "currentKubernetesVersion", "powerState", "maxAgentPools"];

    private readonly ArmState _state;
    private readonly FakeArmOptions _options;
    private readonly OperationUrlSigner _signer = new();
    private readonly Route[] _routes;

    public ArmApi(ArmState state, FakeArmOptions options)
    {
        _state = state;
        _options = options;
        _routes =
        [
            new("GET", "subscriptions", "Microsoft.Resources/subscriptions/read", ListSubscriptions),
            new("GET", "subscriptions/{sub}", "Microsoft.Resources/subscriptions/read", GetSubscription),
            new("GET", "subscriptions/{sub}/resourcegroups", "Microsoft.Resources/subscriptions/resourceGroups/read", ListResourceGroups),
            new("GET", "subscriptions/{sub}/resourcegroups/{rg}", "Microsoft.Resources/subscriptions/resourceGroups/read", GetResourceGroup),
            new("GET", "subscriptions/{sub}/" + ClustersPath, ClusterType + "/read", ListClusters),
            new("GET", "subscriptions/{sub}/resourcegroups/{rg}/" + ClustersPath, ClusterType + "/read", ListClusters),
            new("GET", ClusterPath, ClusterType + "/read", GetCluster),
            new("PUT", ClusterPath, ClusterType + "/write", PutCluster),
            new("DELETE", ClusterPath, ClusterType + "/delete", DeleteCluster),
            new("POST", ClusterPath + "/listclusterusercredential", ClusterType + "/listClusterUserCredential/action", (r, v) => ListCredential(v, admin: false)),
            new("POST", ClusterPath + "/listclusteradmincredential", ClusterType + "/listClusterAdminCredential/action", (r, v) => ListCredential(v, admin: true)),
            new("GET", OperationsPath + "/operations/{operation}", "Microsoft.ContainerService/locations/operations/read", GetOperationStatus),
            new("GET", OperationsPath + "/operationresults/{operation}", "Microsoft.ContainerService/locations/operationresults/read", GetOperationResult),
            .. StoreRoutes(),
            .. ServiceRoutes(),
            .. ResourceGraphRoutes(),
        ];
    }

    /// <summary>Where the credential actions' kubeconfigs point, when a fake Kubernetes API server is attached.</summary>
    public FakeKubernetesServer? Kubernetes { get; set; }

    /// <summary>Under /subscriptions, or a tenant-level provider route such as /providers/Microsoft.ResourceGraph/resources.</summary>
    public static bool IsArmRoute(string[] segments) =>
        segments.Length > 0 && (segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase) || segments[0].Equals("providers", StringComparison.OrdinalIgnoreCase));

    /// <summary>Authentication first, then api-version, then the route; the handler runs under the state lock.</summary>
    public FakeResponse Handle(FakeRequest request)
    {
        var matches = _routes
            .Select(route => (Route: route, Matched: route.Pattern.TryMatch(request.Segments, out var values), Values: values))
            .Where(m => m.Matched)
            .ToArray();
        var match = matches.FirstOrDefault(m => m.Route.Method.Equals(request.Method, StringComparison.OrdinalIgnoreCase));
        var named = match.Route is null ? matches.FirstOrDefault() : match;
        var action = named.Route is null ? "Microsoft.Resources/read" : ActionOf(named.Route, named.Values);

        if (BearerTokens.Check(request, action) is { } denied)
        {
            return denied;
        }

        if (string.IsNullOrEmpty(request.QueryValue("api-version")))
        {
            return FakeResponse.ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
        }

        if (matches.Length == 0)
        {
            return FakeResponse.ArmError(404, "NotFound", $"The fake ARM server has no route for {request.Method} {request.Path}.");
        }

        if (match.Route is null)
        {
            return FakeResponse.ArmError(405, "MethodNotAllowed", $"The fake ARM server does not support {request.Method} on {request.Path}.");
        }

        lock (_state.Gate)
        {
            _state.Advance(request.Now);
            return match.Route.Handler(request, match.Values);
        }
    }

    /// <summary>The route's action with {namespace} and {type} of generic routes filled in from the path.</summary>
    private static string ActionOf(Route route, Dictionary<string, string> values) =>
        values.Aggregate(route.Action, (action, value) => action.Replace("{" + value.Key + "}", value.Value, StringComparison.Ordinal));

    private FakeResponse ListSubscriptions(FakeRequest request, Dictionary<string, string> values) =>
        FakeResponse.Json(200, new JsonObject
        {
            ["value"] = new JsonArray(_state.Subscriptions.OrderBy(s => s.Id, StringComparer.Ordinal).Select(SubscriptionJson).ToArray<JsonNode?>()),
        });

    private FakeResponse GetSubscription(FakeRequest request, Dictionary<string, string> values) =>
        MissingSubscription(values["sub"]) ?? FakeResponse.Json(200, SubscriptionJson(_state.FindSubscription(values["sub"])!));

    private FakeResponse ListResourceGroups(FakeRequest request, Dictionary<string, string> values) =>
        MissingSubscription(values["sub"]) ?? FakeResponse.Json(200, new JsonObject
        {
            ["value"] = new JsonArray(_state.ResourceGroups(values["sub"]).Select(ResourceGroupJson).ToArray<JsonNode?>()),
        });

    private FakeResponse GetResourceGroup(FakeRequest request, Dictionary<string, string> values) =>
        MissingParent(values) ?? FakeResponse.Json(200, ResourceGroupJson(_state.FindResourceGroup(values["sub"], values["rg"])!));

    /// <summary>The List / ListByResourceGroup shape ({"value":[...]}), paged with an absolute nextLink carrying $skipToken.</summary>
    private FakeResponse ListClusters(FakeRequest request, Dictionary<string, string> values)
    {
        if (MissingParent(values) is { } missing)
        {
            return missing;
        }

        var scope = values.TryGetValue("rg", out var group)
            ? $"/subscriptions/{values["sub"]}/resourceGroups/{group}"
            : $"/subscriptions/{values["sub"]}";
        var clusters = _state.ClustersUnder(scope);
        var offset = 0;
        if (request.QueryValue(SkipTokenParameter) is { } skipToken && !TryDecodeSkipToken(skipToken, out offset))
        {
            return FakeResponse.ArmError(400, "InvalidSkipToken", $"The skip token '{skipToken}' is not valid.");
        }

        var pageSize = Math.Max(1, _options.PageSize);
        var body = new JsonObject
        {
            ["value"] = new JsonArray(clusters.Skip(offset).Take(pageSize).Select(c => (JsonNode?)c.Document.DeepClone()).ToArray()),
        };
        if (offset + pageSize < clusters.Count)
        {
            var token = Base64Url.EncodeToString(Encoding.ASCII.GetBytes((offset + pageSize).ToString(CultureInfo.InvariantCulture)));
            body["nextLink"] = $"{request.BaseUri}{request.Path.TrimStart('/')}?api-version={Uri.EscapeDataString(request.QueryValue("api-version")!)}"
                + $"&{SkipTokenParameter}={Uri.EscapeDataString(token)}";
        }

        return FakeResponse.Json(200, body);
    }

    private FakeResponse GetCluster(FakeRequest request, Dictionary<string, string> values)
    {
        if (FindCluster(values, out var cluster) is { } missing)
        {
            return missing;
        }

        return FakeResponse.Json(200, cluster!.Document.DeepClone()).WithHeader("ETag", ETagOf(cluster));
    }

    /// <summary>Create or replace (NOTES.md §1–2): validation, If-Match/If-None-Match, 409 while an operation runs, then an LRO.</summary>
    private FakeResponse PutCluster(FakeRequest request, Dictionary<string, string> values)
    {
        if (MissingParent(values) is { } missingParent)
        {
            return missingParent;
        }

        if (ParseObject(request.Body) is not { } body
            || body["location"] is not JsonValue location || location.GetValueKind() != JsonValueKind.String
            || body["properties"] is not JsonObject)
        {
            return FakeResponse.ArmError(400, "InvalidRequestContent",
                "The request content was invalid and could not be deserialized: a JSON object with 'location' and 'properties' is required.");
        }

        if (InvalidAuthorizedIpRanges(body) is { } invalid)
        {
            return invalid;
        }

        var name = values["name"];
        var existing = _state.FindCluster(ClusterIdOf(values));
        if (PreconditionFailure(request, existing, name, ifNoneMatchAllowed: true) is { } failed)
        {
            return failed;
        }

        if (existing?.RunningOperation is { } running)
        {
            return OperationInProgress(running);
        }

        var document = existing is null ? NewDocument(body, ClusterIdOf(values), name) : ReplacedDocument(existing.Document, body);
        var cluster = new ClusterEntry(document);
        _state.StoreCluster(cluster);
        var operation = StartOperation(cluster, existing is null ? "Creating" : "Updating", isDelete: false, request.Now);

        // Like the real 201 (NOTES.md §1): Azure-AsyncOperation only, no Location, no Retry-After.
        return FakeResponse.Json(existing is null ? 201 : 200, document.DeepClone())
            .WithHeader("Azure-AsyncOperation", _signer.AsyncOperationUrl(request.BaseUri, operation, request.Now));
    }

    private FakeResponse DeleteCluster(FakeRequest request, Dictionary<string, string> values)
    {
        if (MissingParent(values) is { } missingParent)
        {
            return missingParent;
        }

        var existing = _state.FindCluster(ClusterIdOf(values));
        if (PreconditionFailure(request, existing, values["name"], ifNoneMatchAllowed: false) is { } failed)
        {
            return failed;
        }

        if (existing is null)
        {
            return new FakeResponse(204);
        }

        if (existing.RunningOperation is { } running)
        {
            return OperationInProgress(running);
        }

        var operation = StartOperation(existing, "Deleting", isDelete: true, request.Now);
        // The Location form of the Delete example: .../locations/{region}/operationresults/{id}?api-version=<the request's>.
        var location = $"{request.BaseUri}subscriptions/{operation.SubscriptionId}/providers/Microsoft.ContainerService/locations/{operation.Location}"
            + $"/operationresults/{operation.Id}?api-version={Uri.EscapeDataString(request.QueryValue("api-version")!)}";
        return new FakeResponse(202)
            .WithHeader("Azure-AsyncOperation", _signer.AsyncOperationUrl(request.BaseUri, operation, request.Now))
            .WithHeader("Location", location);
    }

    /// <summary>The CredentialResults shape of the examples, with a kubeconfig built for the cluster.</summary>
    private FakeResponse ListCredential(Dictionary<string, string> values, bool admin)
    {
        if (FindCluster(values, out var cluster) is { } missing)
        {
            return missing;
        }

        if (admin && ArmState.Properties(cluster!.Document)["disableLocalAccounts"] is JsonValue disabled
            && disabled.GetValueKind() == JsonValueKind.True)
        {
            return FakeResponse.ArmError(400, "BadRequest", "Getting static credential is not allowed because this cluster is set to disable local accounts.");
        }

        var body = ExampleFixtures.ResponseBody(admin ? ExampleFixtures.ListAdminCredentials : ExampleFixtures.ListUserCredentials, "200");
        var kubeconfig = body["kubeconfigs"]![0]!;
        kubeconfig["name"] = admin ? "clusterAdmin" : "clusterUser";
        kubeconfig["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Kubeconfig(cluster!.Document, values["rg"], admin)));
        return FakeResponse.Json(200, body);
    }

    /// <summary>The Azure-AsyncOperation URL: only the exact signed URL is honoured.</summary>
    private FakeResponse GetOperationStatus(FakeRequest request, Dictionary<string, string> values)
    {
        if (!_signer.IsAuthentic(request, values["operation"]))
        {
            return BearerTokens.Forbidden(request, "Microsoft.ContainerService/locations/operations/read");
        }

        if (FindOperation(values) is not { } operation)
        {
            return OperationNotFound(values);
        }

        Poll(operation, request.Now);
        var response = FakeResponse.Json(200, operation.StatusBody());
        return operation.End is null ? WithRetryAfter(response) : response;
    }

    /// <summary>The Location URL of a DELETE: 202 while running, 204 once done, an error if it failed.</summary>
    private FakeResponse GetOperationResult(FakeRequest request, Dictionary<string, string> values)
    {
        if (FindOperation(values) is not { } operation)
        {
            return OperationNotFound(values);
        }

        Poll(operation, request.Now);
        if (operation.End is null)
        {
            return WithRetryAfter(new FakeResponse(202).WithHeader("Location", $"{request.BaseUri}{request.Path.TrimStart('/')}{request.RawQuery}"));
        }

        return operation.Error() is { } error ? new FakeResponse(400, new JsonObject { ["error"] = error }) : new FakeResponse(204);
    }

    /// <summary>Answers InProgress until the operation's polls are used up, then ends it.</summary>
    private void Poll(ArmOperation operation, DateTimeOffset now)
    {
        if (operation.End is not null)
        {
            return;
        }

        if (operation.PollsAnswered >= operation.PollsBeforeDone)
        {
            _state.Complete(operation, now);
        }
        else
        {
            operation.PollsAnswered++;
        }
    }

    private FakeResponse WithRetryAfter(FakeResponse response) =>
        _options.LroRetryAfterSeconds is { } seconds ? response.WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture)) : response;

    /// <summary>Another party's operation: no status URL, it just blocks writes until <paramref name="duration"/> has passed.</summary>
    public void BeginBackgroundOperation(string clusterId, string state, TimeSpan duration, DateTimeOffset now)
    {
        lock (_state.Gate)
        {
            _state.Advance(now);
            var cluster = _state.FindCluster(clusterId) ?? throw new KeyNotFoundException($"No cluster with id '{clusterId}'.");
            if (cluster.RunningOperation is not null)
            {
                throw new InvalidOperationException($"An operation is already running on '{clusterId}'.");
            }

            AddOperation(cluster, state, isDelete: false, now, duration, pollsBeforeDone: int.MaxValue, ArmOperation.Succeeded);
        }
    }

    /// <summary>Our own PUT or DELETE, shaped by the options as they are now.</summary>
    private ArmOperation StartOperation(ClusterEntry cluster, string runningState, bool isDelete, DateTimeOffset now)
    {
        var finalStatus = _options.LroFinalStatus;
        if (finalStatus is not (ArmOperation.Succeeded or ArmOperation.Failed or ArmOperation.Canceled))
        {
            throw new InvalidOperationException($"FakeArmOptions.LroFinalStatus must be Succeeded, Failed or Canceled, not '{finalStatus}'.");
        }

        return AddOperation(cluster, runningState, isDelete, now, _options.LroMaxDuration, Math.Max(0, _options.LroPollsBeforeDone), finalStatus);
    }

    private ArmOperation AddOperation(
        ClusterEntry cluster, string runningState, bool isDelete, DateTimeOffset now, TimeSpan maxDuration, int pollsBeforeDone, string finalStatus)
    {
        ArmState.TryParseClusterId(cluster.Id, out var subscriptionId, out _, out _);
        var operation = new ArmOperation
        {
            Id = Guid.NewGuid().ToString(),
            ClusterId = cluster.Id,
            SubscriptionId = subscriptionId,
            Location = RegionOf(cluster.Document),
            RunningState = runningState,
            IsDelete = isDelete,
            Start = now,
            MaxDuration = maxDuration,
            PollsBeforeDone = pollsBeforeDone,
            FinalStatus = finalStatus,
        };
        _state.AddOperation(operation, cluster);
        return operation;
    }

    /// <summary>A first PUT: the body plus the identity and computed fields the service adds.</summary>
    private static JsonObject NewDocument(JsonObject body, string id, string name)
    {
        var document = (JsonObject)body.DeepClone();
        document["id"] = id;
        document["name"] = name;
        document["type"] = ClusterType;
        document.Remove("systemData");
        var properties = ArmState.Properties(document);
        foreach (var owned in ServerOwnedProperties)
        {
            properties.Remove(owned);
        }

        if (properties["dnsPrefix"] is JsonValue prefix && prefix.GetValueKind() == JsonValueKind.String)
        {
            properties["fqdn"] = $"{prefix.GetValue<string>()}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}.hcp.{RegionOf(document)}.azmk8s.io";
        }

        SetNewETags(document, previous: null);
        return document;
    }

    /// <summary>The PUT body becomes the document, except for the fields the service owns, which stay as they were.</summary>
    private static JsonObject ReplacedDocument(JsonObject old, JsonObject body)
    {
        var document = (JsonObject)body.DeepClone();
        foreach (var owned in new[] { "id", "name", "type", "systemData" })
        {
            CopyOwned(old, document, owned);
        }

        var oldProperties = ArmState.Properties(old);
        var properties = ArmState.Properties(document);
        foreach (var owned in ServerOwnedProperties)
        {
            CopyOwned(oldProperties, properties, owned);
        }

        SetNewETags(document, old["eTag"]?.GetValue<string>());
        return document;
    }

    private static void CopyOwned(JsonObject from, JsonObject to, string name)
    {
        if (from[name] is { } value)
        {
            to[name] = value.DeepClone();
        }
        else
        {
            to.Remove(name);
        }
    }

    /// <summary>A cluster-level write changes the cluster eTag and every agent pool eTag (AKS eTag docs).</summary>
    private static void SetNewETags(JsonObject document, string? previous)
    {
        document["eTag"] = ArmState.NewETag(previous);
        if (ArmState.Properties(document)["agentPoolProfiles"] is JsonArray pools)
        {
            foreach (var pool in pools.OfType<JsonObject>())
            {
                pool["eTag"] = ArmState.NewETag(pool["eTag"]?.GetValue<string>());
            }
        }
    }

    private static FakeResponse? InvalidAuthorizedIpRanges(JsonObject body)
    {
        if (body["properties"]?["apiServerAccessProfile"]?["authorizedIPRanges"] is not { } ranges)
        {
            return null;
        }

        const string parameter = "properties.apiServerAccessProfile.authorizedIPRanges";
        if (ranges is not JsonArray list)
        {
            return FakeResponse.ArmError(400, "InvalidParameter", $"The value of parameter {parameter} must be an array of IPv4 CIDRs.");
        }

        if (list.Count > MaxAuthorizedIpRanges)
        {
            return FakeResponse.ArmError(400, "InvalidParameter",
                $"The value of parameter {parameter} has {list.Count} entries; at most {MaxAuthorizedIpRanges} are allowed.");
        }

        foreach (var range in list)
        {
            var text = range is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : range?.ToJsonString();
            if (!IsIpv4Cidr(text))
            {
                return FakeResponse.ArmError(400, "InvalidParameter", $"The value '{text}' of parameter {parameter} is not a valid IPv4 CIDR.");
            }
        }

        return null;
    }

    private static bool IsIpv4Cidr(string? text)
    {
        var match = text is null ? Match.Empty : Ipv4CidrPattern().Match(text);
        return match.Success
            && Enumerable.Range(1, 4).All(i => int.Parse(match.Groups[i].Value, CultureInfo.InvariantCulture) <= 255)
            && int.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture) <= 32;
    }

    /// <summary>The If-Match / If-None-Match table of NOTES.md §2. eTags compare with or without surrounding quotes.</summary>
    private static FakeResponse? PreconditionFailure(FakeRequest request, ClusterEntry? existing, string name, bool ifNoneMatchAllowed)
    {
        var ifNoneMatch = ifNoneMatchAllowed ? request.Header("If-None-Match") : null;
        if (!string.IsNullOrEmpty(ifNoneMatch))
        {
            if (ifNoneMatch.Trim() != "*")
            {
                return FakeResponse.ArmError(400, "InvalidParameter", "The If-None-Match header may only be '*'.");
            }

            if (existing is not null)
            {
                return FakeResponse.ArmError(412, "PreconditionFailed", $"The resource '{name}' already exists, so the precondition 'If-None-Match: *' failed.");
            }
        }

        var ifMatch = request.Header("If-Match");
        if (string.IsNullOrEmpty(ifMatch))
        {
            return null;
        }

        if (existing is null)
        {
            return FakeResponse.ArmError(412, "PreconditionFailed", $"The resource '{name}' does not exist, so the precondition 'If-Match: {ifMatch}' failed.");
        }

        var wanted = ifMatch.Trim();
        return wanted == "*" || wanted.Trim('"') == ETagOf(existing)
            ? null
            : FakeResponse.ArmError(412, "PreconditionFailed", $"The precondition 'If-Match: {ifMatch}' failed: the resource '{name}' has changed.");
    }

    /// <summary>The well-known 409, in its 2026 wording (NOTES.md §2).</summary>
    private static FakeResponse OperationInProgress(ArmOperation running)
    {
        var kind = running.RunningState switch
        {
            "Creating" => "create",
            "Updating" => "update",
            "Upgrading" => "upgrade",
            "Deleting" => "delete",
            "Scaling" => "scale",
            "Starting" => "start",
            "Stopping" => "stop",
            _ => running.RunningState.ToLowerInvariant(),
        };
        var started = running.Start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return FakeResponse.ArmError(409, "OperationNotAllowed",
            $"Operation is not allowed because there's an in progress {kind} managed cluster operation (operation ID: {running.Id}) on the managed cluster "
            + $"started on UTC {started}. Please wait for it to finish before starting a new operation. "
            + "You can also use 'az aks operation-abort ...' to abort the ongoing operation.");
    }

    private FakeResponse? MissingSubscription(string subscriptionId) =>
        _state.FindSubscription(subscriptionId) is null
            ? FakeResponse.ArmError(404, "SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found.")
            : null;

    /// <summary>The subscription, the resource group and the cluster name (each when the route has it), in ARM's order.</summary>
    private FakeResponse? MissingParent(Dictionary<string, string> values)
    {
        if (MissingSubscription(values["sub"]) is { } missing)
        {
            return missing;
        }

        if (values.TryGetValue("rg", out var group) && _state.FindResourceGroup(values["sub"], group) is null)
        {
            return FakeResponse.ArmError(404, "ResourceGroupNotFound", $"Resource group '{group}' could not be found.");
        }

        if (values.TryGetValue("name", out var name) && !ClusterNamePattern().IsMatch(name))
        {
            return FakeResponse.ArmError(400, "InvalidResourceName",
                $"Resource name '{name}' is invalid. It must match ^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{{0,61}}[a-zA-Z0-9]$.");
        }

        return null;
    }

    private FakeResponse? FindCluster(Dictionary<string, string> values, out ClusterEntry? cluster)
    {
        cluster = null;
        if (MissingParent(values) is { } missing)
        {
            return missing;
        }

        cluster = _state.FindCluster(ClusterIdOf(values));
        return cluster is null
            ? FakeResponse.ArmError(404, "ResourceNotFound",
                $"The Resource '{ClusterType}/{values["name"]}' under resource group '{values["rg"]}' was not found. "
                + "For more details please go to https://aka.ms/ARMResourceNotFoundFix")
            : null;
    }

    private ArmOperation? FindOperation(Dictionary<string, string> values) =>
        _state.FindOperation(values["operation"]) is { } operation && operation.SubscriptionId.Equals(values["sub"], StringComparison.OrdinalIgnoreCase)
            ? operation
            : null;

    private static FakeResponse OperationNotFound(Dictionary<string, string> values) =>
        FakeResponse.ArmError(404, "OperationNotFound", $"The operation '{values["operation"]}' could not be found.");

    private string ClusterIdOf(Dictionary<string, string> values) =>
        ArmState.ClusterId(values["sub"], _state.FindResourceGroup(values["sub"], values["rg"])?.Name ?? values["rg"], values["name"]);

    private static string ETagOf(ClusterEntry cluster) => cluster.Document["eTag"]?.GetValue<string>() ?? "";

    /// <summary>The region as it appears in operation URLs ("East US" → "eastus").</summary>
    private static string RegionOf(JsonObject document) =>
        (document["location"]?.GetValue<string>() ?? "").Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    private static JsonObject? ParseObject(string? text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryDecodeSkipToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            return int.TryParse(Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static JsonObject SubscriptionJson(Subscription subscription) => new()
    {
        ["id"] = $"/subscriptions/{subscription.Id}",
        ["authorizationSource"] = "RoleBased",
        ["subscriptionId"] = subscription.Id,
        ["tenantId"] = ArmState.TenantId,
        ["displayName"] = subscription.DisplayName,
        ["state"] = "Enabled",
        ["subscriptionPolicies"] = new JsonObject
        {
            ["locationPlacementId"] = "Public_2014-09-01",
            ["quotaId"] = "PayAsYouGo_2014-09-01",
            ["spendingLimit"] = "Off",
        },
    };

    private static JsonObject ResourceGroupJson(ResourceGroup group) => new()
    {
        ["id"] = $"/subscriptions/{group.SubscriptionId}/resourceGroups/{group.Name}",
        ["name"] = group.Name,
        ["type"] = "Microsoft.Resources/resourceGroups",
        ["location"] = group.Location,
        ["properties"] = new JsonObject { ["provisioningState"] = "Succeeded" },
    };

    /// <summary>
    /// A kubeconfig shaped like az aks get-credentials output. With a fake Kubernetes API server attached it reaches that
    /// server: admin → client certificate CN=masterclient O=system:masters; user → a static token registered there, or, on
    /// a cluster with properties.aadProfile (Entra ID), the exec kubelogin user ARM returns for such clusters.
    /// Without one: a static token user and the cluster's FQDN (not reachable).
    /// </summary>
    private string Kubeconfig(JsonObject cluster, string resourceGroup, bool admin)
    {
        var name = cluster["name"]!.GetValue<string>();
        var properties = ArmState.Properties(cluster);
        if (Kubernetes is { } kubernetes)
        {
            var userName = $"{(admin ? "clusterAdmin" : "clusterUser")}_{resourceGroup}_{name}";
            var contextName = admin ? $"{name}-admin" : name;
            // The seeded examples write the placeholder "tenantID"; a real cluster names its tenant's GUID.
            var tenant = Guid.TryParse(properties["aadProfile"]?["tenantID"]?.GetValue<string>(), out var aadTenant) ? aadTenant.ToString() : ArmState.TenantId;
            var userBlock = admin
                ? KubeConfigText.ClientCertificateUser(kubernetes.AdminCertificate)
                : properties["aadProfile"] is JsonObject
                    ? KubeConfigText.KubeloginUser(tenant)
                    : KubeConfigText.TokenUser(kubernetes.IssueStaticToken("clusterUser"));
            return KubeConfigText.Build(kubernetes, name, userName, userBlock, contextName);
        }

        var host = (properties["fqdn"] ?? properties["privateFQDN"])?.GetValue<string>() ?? $"{name}.hcp.example.invalid";
        var user = $"{(admin ? "clusterAdmin" : "clusterUser")}_{resourceGroup}_{name}";
        var context = admin ? $"{name}-admin" : name;
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                server: https://{host}:443
              name: {name}
            contexts:
            - context:
                cluster: {name}
                user: {user}
              name: {context}
            current-context: {context}
            users:
            - name: {user}
              user:
                token: {token}

            """;
    }

    [GeneratedRegex("^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex ClusterNamePattern();

    [GeneratedRegex("^([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})/([0-9]{1,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Ipv4CidrPattern();

    private sealed record Route(string Method, string Template, string Action, Func<FakeRequest, Dictionary<string, string>, FakeResponse> Handler)
    {
        public RoutePattern Pattern { get; } = new(Template);
    }
}
