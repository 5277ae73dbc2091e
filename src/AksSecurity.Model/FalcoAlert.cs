using System.Collections;

namespace AksSecurity;

/// <summary>
/// Falco's rule priorities, numbered as Falco (and syslog) numbers them: a lower value is more severe, so
/// Emergency sorts first and "at least Warning" means a value of Warning or less.
/// </summary>
public enum FalcoPriority
{
    Emergency = 0,
    Alert = 1,
    Critical = 2,
    Error = 3,
    Warning = 4,
    Notice = 5,
    Informational = 6,
    Debug = 7,
}

/// <summary>One alert Falco wrote as a JSON line, with the node and Falco pod it was read from.</summary>
public sealed class FalcoAlert
{
    /// <summary>When the event happened (UTC; Falco's nanoseconds are cut to .NET's 100 ns ticks).</summary>
    public required DateTimeOffset Time { get; init; }

    public required string Rule { get; init; }

    public required FalcoPriority Priority { get; init; }

    /// <summary>The rendered output line ("13:44:05.478445995: Critical A shell was spawned ..."); empty when Falco was told to leave it out.</summary>
    public string Output { get; init; } = "";

    /// <summary>The alert's output_fields (container.id, proc.cmdline, ...); a value is null where Falco had none.</summary>
    public Hashtable Fields { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The node of the Falco pod that logged the alert.</summary>
    public string? Node { get; init; }

    /// <summary>The pod the event happened in (output field k8s.pod.name), when Falco knew it.</summary>
    public string? Pod { get; init; }

    /// <summary>The namespace the event happened in (output field k8s.ns.name), when Falco knew it.</summary>
    public string? Namespace { get; init; }

    /// <summary>The event source: syscall, k8s_audit or a plugin's source.</summary>
    public string Source { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = Array.Empty<string>();

    /// <summary>The hostname Falco reported (FALCO_HOSTNAME, the node name in our DaemonSet).</summary>
    public string? Hostname { get; init; }

    /// <summary>The Falco pod whose log held the alert.</summary>
    public string? FalcoPod { get; init; }

    public override string ToString() => $"{Time:u} {Priority} {Rule}";
}
