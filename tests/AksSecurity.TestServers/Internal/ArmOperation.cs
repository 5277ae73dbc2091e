using System.Globalization;
using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Internal;

/// <summary>A long-running operation on one cluster: a PUT or DELETE of ours, or another party's (background).</summary>
internal sealed class ArmOperation
{
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Canceled = "Canceled";

    public required string Id { get; init; }

    public required string ClusterId { get; init; }

    public required string SubscriptionId { get; init; }

    /// <summary>The region segment of the status URLs, e.g. "location1".</summary>
    public required string Location { get; init; }

    /// <summary>provisioningState while running: Creating, Updating, Deleting, Upgrading, ...</summary>
    public required string RunningState { get; init; }

    public required bool IsDelete { get; init; }

    public required DateTimeOffset Start { get; init; }

    public required TimeSpan MaxDuration { get; init; }

    /// <summary>Status polls answered InProgress before the terminal status.</summary>
    public required int PollsBeforeDone { get; init; }

    /// <summary>Decided when the operation starts (options may change later); a superseded operation becomes Canceled.</summary>
    public required string FinalStatus { get; set; }

    public int PollsAnswered { get; set; }

    public DateTimeOffset? End { get; set; }

    public string Status => End is null ? "InProgress" : FinalStatus;

    /// <summary>ISO 8601 with seven fractional digits, as ARM writes times.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The error of a terminal Failed/Canceled operation, a new node on each call.</summary>
    public JsonObject? Error() => End is null ? null : FinalStatus switch
    {
        Failed => new JsonObject { ["code"] = "OperationFailed", ["message"] = "The operation failed (the fake's LroFinalStatus is Failed)." },
        Canceled => new JsonObject { ["code"] = "OperationCanceled", ["message"] = "The operation was canceled (the fake's LroFinalStatus is Canceled)." },
        _ => null,
    };

    /// <summary>The ARM async-operation body: {"name","status","startTime"[,"endTime"][,"error"]}.</summary>
    public JsonObject StatusBody()
    {
        var body = new JsonObject { ["name"] = Id, ["status"] = Status, ["startTime"] = FormatTime(Start) };
        if (End is { } end)
        {
            body["endTime"] = FormatTime(end);
        }

        if (Error() is { } error)
        {
            body["error"] = error;
        }

        return body;
    }
}
