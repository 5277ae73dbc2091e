using System.Text.RegularExpressions;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Monitoring;

/// <summary>
/// A validated Log Analytics workspace resource id:
/// /subscriptions/{guid}/resourceGroups/{group}/providers/Microsoft.OperationalInsights/workspaces/{name}.
/// ARM ids are case-insensitive (the published AKS examples write "microsoft.operationalinsights"), so comparisons
/// ignore case; the id is written as the user gave it.
/// </summary>
public sealed partial class LogAnalyticsWorkspaceId
{
    /// <summary>api-version of the existence check (GET of the workspace); a stable version of Microsoft.OperationalInsights/workspaces.</summary>
    public const string ApiVersion = "2023-09-01";

    [GeneratedRegex("^/subscriptions/(?<sub>[^/]+)/resourceGroups/(?<rg>[^/]+)/providers/Microsoft\\.OperationalInsights/workspaces/(?<name>[^/]+)$", RegexOptions.IgnoreCase)]
    private static partial Regex IdPattern();

    // ARM's workspace naming rule: 4-63 letters, digits or '-', starting and ending with a letter or digit.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$")]
    private static partial Regex NamePattern();

    private LogAnalyticsWorkspaceId(string id, string subscriptionId, string resourceGroupName, string name)
    {
        Id = id;
        SubscriptionId = subscriptionId;
        ResourceGroupName = resourceGroupName;
        Name = name;
    }

    public string Id { get; }
    public string SubscriptionId { get; }
    public string ResourceGroupName { get; }
    public string Name { get; }

    public override string ToString() => Id;

    /// <summary>Parses and validates; throws InvalidArgument naming <paramref name="parameter"/> before anything is sent.</summary>
    public static LogAnalyticsWorkspaceId Parse(string? text, string parameter)
    {
        var trimmed = (text ?? "").Trim().TrimEnd('/');
        var match = IdPattern().Match(trimmed);
        if (!match.Success)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{text}' is not a Log Analytics workspace resource id. Expected /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>.",
                parameter);
        }

        var sub = match.Groups["sub"].Value;
        var rg = match.Groups["rg"].Value;
        var name = match.Groups["name"].Value;
        var reason = !ClusterResourceId.IsValidSubscriptionId(sub) ? $"Subscription id '{sub}' in workspace id '{text}' is not a GUID."
            : !ClusterResourceId.IsValidResourceGroupName(rg) ? $"Resource group name '{rg}' in workspace id '{text}' is not valid."
            : !NamePattern().IsMatch(name) ? $"Workspace name '{name}' in workspace id '{text}' is not valid (4-63 letters, digits or '-', starting and ending with a letter or digit)."
            : null;
        if (reason is not null)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, reason, parameter);
        }

        return new LogAnalyticsWorkspaceId(trimmed, sub, rg, name);
    }

    /// <summary>True when <paramref name="other"/> names this workspace (ignoring case and a trailing slash).</summary>
    public bool Matches(string? other) => string.Equals(Id, other?.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Confirms that a workspace exists before anything points at it, so a typo is a clear ObjectNotFound instead of an
/// error from the AKS or Azure Monitor write. One GET per command: a confirmed workspace is not asked for again for
/// the next cluster of the pipeline, nor when a 412 makes the change plan again.
/// </summary>
public sealed class WorkspaceExistenceCheck
{
    private readonly LogAnalyticsWorkspaceId _workspace;
    private bool _confirmed;

    public WorkspaceExistenceCheck(LogAnalyticsWorkspaceId workspace) => _workspace = workspace;

    public async Task EnsureExistsAsync(ArmResources arm, IOperationSink sink, CancellationToken cancellationToken)
    {
        if (_confirmed)
        {
            return;
        }

        if (await arm.GetAsync(_workspace.Id, LogAnalyticsWorkspaceId.ApiVersion, sink, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound,
                $"Log Analytics workspace '{_workspace.Name}' was not found ({_workspace.Id}). Create it first, or pass the resource id of an existing workspace.",
                _workspace.Id);
        }

        _confirmed = true;
    }
}
