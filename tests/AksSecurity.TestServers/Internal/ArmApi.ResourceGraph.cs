using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// Azure Resource Graph's <c>POST /providers/Microsoft.ResourceGraph/resources</c> (2022-10-01) over the fake's clusters.
/// Request and response follow resourcegraph.json and its examples (Fixtures/arm/resourcegraph); only the managed-cluster
/// query family AksSecurity sends is understood (<see cref="ResourceGraphQuery"/>), anything else is a 400 that says so.
/// </summary>
internal sealed partial class ArmApi
{
    /// <summary>QueryRequestOptions.$top: minimum 1, maximum 1000 (resourcegraph.json); also the default page (Learn: "work with large data sets").</summary>
    public const int MaxResourceGraphPage = 1000;

    /// <summary>Learn, Resource Graph troubleshooting, "Too many subscriptions": at most 1,000 subscriptions per request.</summary>
    public const int MaxResourceGraphSubscriptions = 1000;

    private static readonly HashSet<string> QueryRequestMembers = new(StringComparer.Ordinal) { "subscriptions", "query", "options" };
    private static readonly HashSet<string> QueryOptionMembers = new(StringComparer.Ordinal) { "$top", "$skip", "$skipToken", "resultFormat" };

    private IEnumerable<Route> ResourceGraphRoutes() =>
    [
        new("POST", "providers/microsoft.resourcegraph/resources", "Microsoft.ResourceGraph/resources/read", QueryResources),
    ];

    /// <summary>
    /// Rows of the clusters in the requested subscriptions (all of the fake's when none are given: a tenant query), in id
    /// order, one page of <c>$top</c> rows from the offset in <c>$skipToken</c> (or <c>$skip</c>), with a <c>$skipToken</c>
    /// for the next page while rows remain.
    /// </summary>
    private FakeResponse QueryResources(FakeRequest request, Dictionary<string, string> values)
    {
        if (ParseObject(request.Body) is not { } body || body["query"] is not JsonValue queryValue || queryValue.GetValueKind() != JsonValueKind.String)
        {
            return InvalidGraphRequest("InvalidRequestContent", "The request content was invalid: a JSON object with a string 'query' is required (QueryRequest).");
        }

        if ((NotUnderstoodMembers(body, QueryRequestMembers, "QueryRequest")
            ?? NotUnderstoodMembers(body["options"] as JsonObject, QueryOptionMembers, "QueryRequestOptions")) is { } notUnderstood)
        {
            return notUnderstood;
        }

        var text = queryValue.GetValue<string>();
        if (!ResourceGraphQuery.TryParse(text, out var query, out var problem))
        {
            return InvalidGraphRequest("InvalidQuery", $"The fake Resource Graph does not understand the query '{text}': {problem}. "
                + $"It serves only \"{ResourceGraphQuery.Grammar}\".");
        }

        if (ReadSubscriptions(body["subscriptions"], out var subscriptions) is { } badSubscriptions)
        {
            return badSubscriptions;
        }

        var options = body["options"] as JsonObject ?? new JsonObject();
        if (ReadPaging(options, text, subscriptions, out var offset, out var pageSize) is { } badPaging)
        {
            return badPaging;
        }

        var clusters = MatchingClusters(subscriptions, query).ToArray();
        var page = clusters.Skip(offset).Take(pageSize).Select(c => query.Project(ResourceRow(c.Document))).ToArray();
        var more = offset + page.Length < clusters.Length;

        // The envelope of ResourcesFirstPageQuery.json: totalRecords, count, resultTruncated, facets, $skipToken, data.
        var response = ExampleFixtures.ResponseBody(ExampleFixtures.ResourcesFirstPageQuery, "200");
        response["totalRecords"] = clusters.Length;
        response["count"] = page.Length;
        response["data"] = new JsonArray(page.Select(r => (JsonNode?)r).ToArray());
        // Learn, "paging results": without an id column a page cannot be continued: resultTruncated "true", no $skipToken.
        response["resultTruncated"] = more && !query.HasIdColumn ? "true" : "false";
        if (more && query.HasIdColumn)
        {
            response["$skipToken"] = SkipToken(offset + page.Length, text, subscriptions);
        }
        else
        {
            response.Remove("$skipToken");
        }

        return FakeResponse.Json(200, response);
    }

    private IEnumerable<ClusterEntry> MatchingClusters(IReadOnlyList<string>? subscriptions, ResourceGraphQuery query)
    {
        var scopes = subscriptions ?? _state.Subscriptions.Select(s => s.Id).ToArray();
        var clusters = scopes
            .Where(s => _state.FindSubscription(s) is not null)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .SelectMany(s => _state.ClustersUnder($"/subscriptions/{s}"));
        return query.Descending
            ? clusters.OrderByDescending(c => c.Id, StringComparer.OrdinalIgnoreCase)
            : clusters.OrderBy(c => c.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A row of the Resources table for a cluster: the columns Learn documents for it (id, name, type in lower case,
    /// tenantId, kind, location, resourceGroup, subscriptionId, managedBy, sku, plan, properties, tags, identity, zones,
    /// extendedLocation). Resource Graph has no eTag or systemData column.
    /// </summary>
    private static JsonObject ResourceRow(JsonObject document)
    {
        var id = document["id"]!.GetValue<string>();
        ArmState.TryParseClusterId(id, out var subscriptionId, out var resourceGroup, out _);
        return new JsonObject
        {
            ["id"] = id,
            ["name"] = document["name"]?.DeepClone(),
            ["type"] = ClusterType.ToLowerInvariant(),
            ["tenantId"] = ArmState.TenantId,
            ["kind"] = document["kind"]?.DeepClone() ?? "",
            ["location"] = document["location"]?.DeepClone(),
            ["resourceGroup"] = resourceGroup,
            ["subscriptionId"] = subscriptionId,
            ["managedBy"] = document["managedBy"]?.DeepClone() ?? "",
            ["sku"] = document["sku"]?.DeepClone(),
            ["plan"] = document["plan"]?.DeepClone(),
            ["properties"] = document["properties"]?.DeepClone(),
            ["tags"] = document["tags"]?.DeepClone() ?? new JsonObject(),
            ["identity"] = document["identity"]?.DeepClone(),
            ["zones"] = document["zones"]?.DeepClone(),
            ["extendedLocation"] = document["extendedLocation"]?.DeepClone(),
        };
    }

    /// <summary>Absent or empty: a tenant query. Otherwise GUID strings, at most <see cref="MaxResourceGraphSubscriptions"/>; unknown ones add nothing.</summary>
    private static FakeResponse? ReadSubscriptions(JsonNode? node, out IReadOnlyList<string>? subscriptions)
    {
        subscriptions = null;
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(s => s is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !Guid.TryParse(v.GetValue<string>(), out _)))
        {
            return InvalidGraphRequest("InvalidSubscriptions", "'subscriptions' must be an array of subscription ids (GUIDs).");
        }

        if (array.Count > MaxResourceGraphSubscriptions)
        {
            return InvalidGraphRequest("TooManySubscriptions",
                $"The request names {array.Count} subscriptions; at most {MaxResourceGraphSubscriptions} are allowed in one request. Send them in batches.");
        }

        subscriptions = array.Count == 0 ? null : array.Select(s => s!.GetValue<string>()).ToArray();
        return null;
    }

    /// <summary>Offset from <c>$skipToken</c> (which must belong to this query and scope) or <c>$skip</c> — <c>$skip</c> wins when both are sent, as the spec says — and the page size from <c>$top</c>.</summary>
    private static FakeResponse? ReadPaging(JsonObject options, string query, IReadOnlyList<string>? subscriptions, out int offset, out int pageSize)
    {
        offset = 0;
        pageSize = MaxResourceGraphPage;
        if (options["resultFormat"] is { } format && !(format is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "objectArray"))
        {
            return InvalidGraphRequest("InvalidQuery", $"The fake Resource Graph does not understand resultFormat {format.ToJsonString()}: it answers objectArray only.");
        }

        if (options["$top"] is { } top)
        {
            if (!TryGetInt(top, out pageSize) || pageSize < 1 || pageSize > MaxResourceGraphPage)
            {
                return InvalidGraphRequest("InvalidParameter", $"'$top' must be an integer from 1 to {MaxResourceGraphPage}, not {top.ToJsonString()}.");
            }
        }

        if (options["$skipToken"] is { } token)
        {
            if (token is not JsonValue tokenValue || tokenValue.GetValueKind() != JsonValueKind.String
                || !TryReadSkipToken(tokenValue.GetValue<string>(), query, subscriptions, out offset))
            {
                return InvalidGraphRequest("InvalidSkipToken", "The $skipToken is not valid for this query and these subscriptions.");
            }
        }

        if (options["$skip"] is { } skip && (!TryGetInt(skip, out offset) || offset < 0))
        {
            return InvalidGraphRequest("InvalidParameter", $"'$skip' must be an integer of at least 0, not {skip.ToJsonString()}.");
        }

        return null;
    }

    private static bool TryGetInt(JsonNode node, out int value)
    {
        value = 0;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out value);
    }

    /// <summary>Opaque to clients: the next offset and a fingerprint of the query and scope it continues.</summary>
    private static string SkipToken(int offset, string query, IReadOnlyList<string>? subscriptions) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["offset"] = offset, ["of"] = Fingerprint(query, subscriptions) }.ToJsonString()));

    private static bool TryReadSkipToken(string token, string query, IReadOnlyList<string>? subscriptions, out int offset)
    {
        offset = 0;
        try
        {
            var content = JsonNode.Parse(Base64Url.DecodeFromChars(token)) as JsonObject;
            return content?["of"]?.GetValue<string>() == Fingerprint(query, subscriptions) && content["offset"] is { } n && TryGetInt(n, out offset) && offset >= 0;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Fingerprint(string query, IReadOnlyList<string>? subscriptions)
    {
        var scope = subscriptions is null ? "tenant" : string.Join(',', subscriptions.Select(s => s.ToLowerInvariant()).Order(StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query + "\n" + scope)))[..16];
    }

    private static FakeResponse? NotUnderstoodMembers(JsonObject? json, HashSet<string> understood, string what)
    {
        var unknown = json?.Select(p => p.Key).Where(k => !understood.Contains(k)).ToArray() ?? [];
        return unknown.Length == 0
            ? null
            : InvalidGraphRequest("InvalidQuery", $"The fake Resource Graph does not understand {what} member(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
    }

    /// <summary>Resource Graph's 400: the spec's ErrorResponse, code BadRequest, the reason in details[] (codes are the fake's choice).</summary>
    private static FakeResponse InvalidGraphRequest(string detailCode, string message) =>
        new(400, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "BadRequest",
                ["message"] = message,
                ["details"] = new JsonArray(new JsonObject { ["code"] = detailCode, ["message"] = message }),
            },
        });
}

/// <summary>
/// The one query family the fake understands: <c>Resources | where type =~ 'microsoft.containerservice/managedclusters'</c>,
/// optionally followed by <c>| project col, ...</c> (columns of the Resources table) and <c>| order by id [asc|desc]</c>.
/// Table name, operators and column names are matched case-insensitively; the type literal too (=~ is case-insensitive).
/// </summary>
internal sealed class ResourceGraphQuery
{
    public const string Grammar = "Resources | where type =~ 'microsoft.containerservice/managedclusters' [| project <columns>] [| order by id [asc|desc]]";

    private static readonly string[] Columns =
        ["id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation"];

    private readonly string[]? _projection;

    private ResourceGraphQuery(string[]? projection, bool descending)
    {
        _projection = projection;
        Descending = descending;
    }

    public bool Descending { get; }

    public bool HasIdColumn => _projection is null || _projection.Contains("id");

    public static bool TryParse(string text, out ResourceGraphQuery query, out string problem)
    {
        query = new ResourceGraphQuery(null, false);
        var stages = text.Split('|').Select(s => s.Trim()).ToArray();
        if (!stages[0].Equals("Resources", StringComparison.OrdinalIgnoreCase))
        {
            problem = $"it must start with the Resources table, not '{stages[0]}'";
            return false;
        }

        if (stages.Length < 2 || !IsManagedClusterFilter(stages[1]))
        {
            problem = "the second stage must be where type =~ 'microsoft.containerservice/managedclusters'";
            return false;
        }

        string[]? projection = null;
        var descending = false;
        var next = 2;
        if (next < stages.Length && Words(stages[next]) is ["project", ..])
        {
            projection = stages[next]["project".Length..].Split(',').Select(c => c.Trim()).ToArray();
            if (projection.FirstOrDefault(c => !Columns.Contains(c, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            {
                problem = $"'{unknown}' is not a column of the Resources table ({string.Join(", ", Columns)})";
                return false;
            }

            projection = projection.Select(c => Columns.First(k => k.Equals(c, StringComparison.OrdinalIgnoreCase))).Distinct().ToArray();
            next++;
        }

        if (next < stages.Length && Words(stages[next]) is ["order", "by", "id", .. var direction] && direction is [] or ["asc"] or ["desc"])
        {
            descending = direction is ["desc"];
            next++;
        }

        if (next < stages.Length)
        {
            problem = $"the stage '{stages[next]}' is not one it serves";
            return false;
        }

        query = new ResourceGraphQuery(projection, descending);
        problem = "";
        return true;
    }

    /// <summary>The row with only the projected columns, in the projection's order.</summary>
    public JsonObject Project(JsonObject row)
    {
        if (_projection is null)
        {
            return row;
        }

        var projected = new JsonObject();
        foreach (var column in _projection)
        {
            projected[column] = row[column]?.DeepClone();
        }

        return projected;
    }

    private static bool IsManagedClusterFilter(string stage) =>
        Words(stage) is ["where", "type", "=~", var literal]
        && literal.Equals("'microsoft.containerservice/managedclusters'", StringComparison.OrdinalIgnoreCase);

    private static string[] Words(string stage) =>
        stage.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(w => w.ToLowerInvariant() is var lower && lower is "where" or "project" or "order" or "by" or "asc" or "desc" or "id" or "type" ? lower : w).ToArray();
}
