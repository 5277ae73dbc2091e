using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Accepted findings: entries of {checkId, cluster, reason, expires}. A JSON file holds an array of entries, or an object
/// with a "suppressions" array; a PSD1 file (read by the cmdlet) holds @{ Suppressions = @(@{...}) }. Expired entries are
/// never honoured; the audit reports them instead.
/// </summary>
public sealed class SuppressionSet
{
    public static readonly SuppressionSet Empty = new(Array.Empty<Suppression>());

    public SuppressionSet(IReadOnlyList<Suppression> entries) => Entries = entries;

    public IReadOnlyList<Suppression> Entries { get; }

    /// <summary>The entries that name this check on this cluster (by name or resource id), expired or not.</summary>
    public IEnumerable<Suppression> Matching(string checkId, ManagedClusterView cluster) =>
        Entries.Where(s => Wildcard.IsMatch(checkId, s.CheckId)
                           && (Wildcard.IsMatch(cluster.Name, s.Cluster) || (cluster.Id.Length > 0 && Wildcard.IsMatch(cluster.Id, s.Cluster))));

    public static bool IsExpired(Suppression suppression, DateTimeOffset now) => suppression.Expires is { } expires && now >= expires;

    /// <summary>Reads a JSON suppression file.</summary>
    public static SuppressionSet ReadJson(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression file '{source}' is not valid JSON: {ex.Message}", source, ex);
        }

        var items = root switch
        {
            JsonArray array => array,
            JsonObject obj when JsonPaths.Get(obj, "suppressions") is JsonArray array => array,
            _ => throw new AksSecurityException(AksErrorKind.InvalidData,
                $"Suppression file '{source}' must hold an array of suppressions, or an object with a \"suppressions\" array.", source),
        };

        var entries = new List<Suppression>();
        for (var i = 0; i < items.Count; i++)
        {
            var where = $"{source}[{i}]";
            if (items[i] is not JsonObject item)
            {
                throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression {where} is not an object.", source);
            }

            entries.Add(Create(JsonPaths.GetString(item, "checkId"), JsonPaths.GetString(item, "cluster"), JsonPaths.GetString(item, "reason"),
                JsonPaths.Get(item, "expires") switch
                {
                    null => null,
                    JsonValue v when v.TryGetValue<string>(out var text) => text,
                    var other => other.ToJsonString(),
                },
                where));
        }

        return new SuppressionSet(entries);
    }

    /// <summary>
    /// One validated entry: a check id or pattern that matches a catalogued check, a reason, and an expiry that parses as
    /// a date ("2026-06-30", midnight UTC at its start) or a date and time with offset.
    /// </summary>
    public static Suppression Create(string? checkId, string? cluster, string? reason, string? expires, string source)
    {
        if (string.IsNullOrWhiteSpace(checkId))
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression {source} has no checkId.", source);
        }

        if (!CheckCatalog.All.Any(c => Wildcard.IsMatch(c.Id, checkId)))
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression {source}: checkId '{checkId}' matches no check of the catalogue.", source);
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression {source} of {checkId} has no reason: say why the finding is accepted.", source);
        }

        DateTimeOffset? until = null;
        if (!string.IsNullOrWhiteSpace(expires))
        {
            if (DateTime.TryParseExact(expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                until = new DateTimeOffset(date, TimeSpan.Zero);
            }
            else if (DateTimeOffset.TryParse(expires, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
            {
                until = moment;
            }
            else
            {
                throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"Suppression {source} of {checkId}: expires '{expires}' is not a date (yyyy-MM-dd) or a date and time (2026-06-30T12:00:00Z).", source);
            }
        }

        return new Suppression
        {
            CheckId = checkId.Trim(),
            Cluster = string.IsNullOrWhiteSpace(cluster) ? "*" : cluster.Trim(),
            Reason = reason.Trim(),
            Expires = until,
            Source = source,
        };
    }
}
