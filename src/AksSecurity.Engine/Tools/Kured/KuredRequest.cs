using System.Security;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>
/// What Install-AksKured was asked for, as the user typed it (BCL types only). Null or empty members mean "kured's
/// default". <see cref="KuredSettings"/> validates and normalises it.
/// </summary>
public sealed class KuredRequest
{
    /// <summary>Days on which reboots may happen: su..sa, sun..sat or full names, in any case.</summary>
    public IReadOnlyList<string>? RebootDays { get; init; }

    /// <summary>Time of day after which reboots may start: 22:00, 22:00:00, 10pm, 22, or a TimeSpan's text.</summary>
    public string? StartTime { get; init; }

    /// <summary>Time of day before which reboots must start.</summary>
    public string? EndTime { get; init; }

    /// <summary>An IANA time zone id (Europe/Berlin), UTC or Local.</summary>
    public string? TimeZone { get; init; }

    /// <summary>How often the sentinel is checked: a Go duration (30m) or a TimeSpan's text (00:30:00).</summary>
    public string? Period { get; init; }

    public string? DrainTimeout { get; init; }
    public string? LockTtl { get; init; }

    /// <summary>Label selectors; a matching pod on a node blocks that node's reboot.</summary>
    public IReadOnlyList<string>? BlockingPodSelectors { get; init; }

    public string? LockAnnotation { get; init; }

    /// <summary>How many nodes may reboot at once (at least 1).</summary>
    public int? Concurrency { get; init; }

    public string? PrometheusUrl { get; init; }
    public string? AlertFilterRegexp { get; init; }
    public bool AlertFiringOnly { get; init; }

    /// <summary>A shoutrrr URL (slack://, teams://, smtp://...). It holds credentials: it goes into a Secret and nowhere else.</summary>
    public SecureString? NotifyUrl { get; init; }

    public IReadOnlyDictionary<string, string>? NodeSelector { get; init; }

    /// <summary>Extra tolerations, each with the members key, operator, value, effect, tolerationSeconds (case-insensitive).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>>? Tolerations { get; init; }

    /// <summary>A registry that mirrors ghcr.io (a private ACR): the image keeps its repository path and tag.</summary>
    public string? ImageRegistry { get; init; }

    /// <summary>The whole image reference, replacing the pinned one.</summary>
    public string? Image { get; init; }
}
