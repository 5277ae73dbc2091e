using AksSecurity.Engine.Checks;

namespace AksSecurity.Engine.Tools.Falco;

/// <summary>Which alerts Get-AksFalcoAlert keeps: newer than a time, at least a priority, rule names by wildcard.</summary>
public sealed class FalcoAlertQuery
{
    /// <summary>Where our DaemonSet runs (Install-AksFalco -Namespace).</summary>
    public string Namespace { get; init; } = FalcoManifests.DefaultNamespace;

    /// <summary>Alerts before this time are dropped; also sent to the API server so older log lines are not read.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Keeps alerts of this priority or a more severe one (a lower <see cref="FalcoPriority"/> value).</summary>
    public FalcoPriority? MinimumPriority { get; init; }

    /// <summary>Rule names (wildcards, any case); empty keeps every rule.</summary>
    public IReadOnlyList<string> Rules { get; init; } = Array.Empty<string>();

    public bool Matches(FalcoAlert alert) =>
        (Since is null || alert.Time >= Since)
        && (MinimumPriority is null || alert.Priority <= MinimumPriority)
        && (Rules.Count == 0 || Rules.Any(pattern => Wildcard.IsMatch(alert.Rule, pattern)));
}
