using System.Globalization;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>A toleration added to the kured pods, validated.</summary>
public sealed record KuredToleration(string? Key, string Operator, string? Value, string? Effect, long? TolerationSeconds);

/// <summary>
/// Install-AksKured's parameters, validated and normalised before anything is sent: every bad value throws
/// AksSecurityException(InvalidArgument) naming the parameter. The notification URL is held here only to be written
/// into a Secret; <see cref="ToString"/> and <see cref="Describe"/> show it as "(secret)".
/// </summary>
public sealed partial class KuredSettings
{
    public const string Version = "1.23.0";
    public const string DefaultRegistry = "ghcr.io";
    public const string Repository = "kubereboot/kured";
    public const string DefaultImage = DefaultRegistry + "/" + Repository + ":" + Version;
    public const string DefaultLockAnnotation = "weave.works/kured-node-lock";
    public const string SecretShown = "(secret)";

    private static readonly string[] DayCodes = { "su", "mo", "tu", "we", "th", "fr", "sa" };

    private readonly string? _notifyUrl;

    public KuredSettings(KuredRequest request)
    {
        RebootDays = request.RebootDays is null ? null : ParseDays(request.RebootDays);
        StartTime = request.StartTime is null ? null : ParseTimeOfDay(request.StartTime, "StartTime");
        EndTime = request.EndTime is null ? null : ParseTimeOfDay(request.EndTime, "EndTime");
        if (StartTime is not null && StartTime == EndTime)
        {
            throw Invalid($"-StartTime and -EndTime are both {StartTime}: the reboot window would be a single second. Give different times (an end before the start wraps past midnight, e.g. 22:00 to 04:00).", "EndTime");
        }

        TimeZone = request.TimeZone is null ? null : ParseTimeZone(request.TimeZone);
        Period = request.Period is null ? null : ParseDuration(request.Period, "Period", allowZero: false);
        DrainTimeout = request.DrainTimeout is null ? null : ParseDuration(request.DrainTimeout, "DrainTimeout", allowZero: true);
        LockTtl = request.LockTtl is null ? null : ParseDuration(request.LockTtl, "LockTtl", allowZero: true);
        BlockingPodSelectors = ParseSelectors(request.BlockingPodSelectors);
        LockAnnotation = request.LockAnnotation is null ? null : ParseLockAnnotation(request.LockAnnotation);

        if (request.Concurrency is int concurrency && concurrency < 1)
        {
            throw Invalid($"-Concurrency {concurrency} is not allowed: at least 1 node must be allowed to reboot at a time.", "Concurrency");
        }

        Concurrency = request.Concurrency;
        PrometheusUrl = request.PrometheusUrl is null ? null : ParsePrometheusUrl(request.PrometheusUrl);
        if (PrometheusUrl is null && (request.AlertFilterRegexp is not null || request.AlertFiringOnly))
        {
            throw Invalid("-AlertFilterRegexp and -AlertFiringOnly filter the alerts of the Prometheus that -PrometheusUrl names: give -PrometheusUrl too.",
                request.AlertFilterRegexp is not null ? "AlertFilterRegexp" : "AlertFiringOnly");
        }

        AlertFilterRegexp = request.AlertFilterRegexp is null ? null : ParseRegexp(request.AlertFilterRegexp);
        AlertFiringOnly = request.AlertFiringOnly;
        _notifyUrl = request.NotifyUrl is null ? null : ParseNotifyUrl(request.NotifyUrl);
        NodeSelector = ParseNodeSelector(request.NodeSelector);
        Tolerations = (request.Tolerations ?? Array.Empty<IReadOnlyDictionary<string, string?>>()).Select(ParseToleration).ToArray();
        Image = ParseImage(request.Image, request.ImageRegistry);
    }

    /// <summary>Two-letter day codes in week order (su first), or null for every day.</summary>
    public IReadOnlyList<string>? RebootDays { get; }

    /// <summary>"HH:mm" or "HH:mm:ss", 24-hour.</summary>
    public string? StartTime { get; }
    public string? EndTime { get; }
    public string? TimeZone { get; }
    public TimeSpan? Period { get; }
    public TimeSpan? DrainTimeout { get; }
    public TimeSpan? LockTtl { get; }
    public IReadOnlyList<string> BlockingPodSelectors { get; }
    public string? LockAnnotation { get; }
    public int? Concurrency { get; }
    public string? PrometheusUrl { get; }
    public string? AlertFilterRegexp { get; }
    public bool AlertFiringOnly { get; }
    public bool HasNotifyUrl => _notifyUrl is not null;

    /// <summary>Node labels the kured pods must match; always kubernetes.io/os=linux (kured has no Windows image).</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; }
    public IReadOnlyList<KuredToleration> Tolerations { get; }
    public string Image { get; }

    /// <summary>The lock annotation kured will use.</summary>
    public string EffectiveLockAnnotation => LockAnnotation ?? DefaultLockAnnotation;

    /// <summary>The URL, for the Secret only.</summary>
    internal string? NotifyUrl => _notifyUrl;

    /// <summary>
    /// A short, one-way fingerprint of the notification URL, put on the pod template so that the pods restart (and read
    /// the new URL) when it changes. 64 bits of a SHA-256: it tells that the URL changed, never what it is.
    /// </summary>
    internal string? NotifyUrlFingerprint => _notifyUrl is null
        ? null
        : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("aks-security/kured/notify-url\n" + _notifyUrl)))[..16].ToLowerInvariant();

    /// <summary>
    /// kured's settings as KURED_* environment variables (kured reads every flag but --blocking-pod-selector from
    /// KURED_&lt;FLAG&gt;), in a fixed order. Each option is its own env entry, so changing one changes only that entry.
    /// The notification URL is not here: it comes from the Secret.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment
    {
        get
        {
            var env = new List<KeyValuePair<string, string>>
            {
                // Marks nodes waiting for and in a reboot, so Get-AksKuredStatus can show them.
                new("KURED_ANNOTATE_NODES", "true"),
            };
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    env.Add(new(name, value));
                }
            }

            Add("KURED_REBOOT_DAYS", RebootDays is null ? null : string.Join(",", RebootDays));
            Add("KURED_START_TIME", StartTime);
            Add("KURED_END_TIME", EndTime);
            Add("KURED_TIME_ZONE", TimeZone);
            Add("KURED_PERIOD", Period is { } period ? GoDuration.Format(period) : null);
            Add("KURED_DRAIN_TIMEOUT", DrainTimeout is { } drain ? GoDuration.Format(drain) : null);
            Add("KURED_LOCK_ANNOTATION", LockAnnotation);
            Add("KURED_LOCK_TTL", LockTtl is { } ttl ? GoDuration.Format(ttl) : null);
            Add("KURED_CONCURRENCY", Concurrency?.ToString(CultureInfo.InvariantCulture));
            Add("KURED_PROMETHEUS_URL", PrometheusUrl);
            Add("KURED_ALERT_FILTER_REGEXP", AlertFilterRegexp);
            Add("KURED_ALERT_FIRING_ONLY", AlertFiringOnly ? "true" : null);
            return env;
        }
    }

    /// <summary>Arguments added after the manifest's own: one --blocking-pod-selector per selector (it cannot come from the environment).</summary>
    public IReadOnlyList<string> ExtraArguments => BlockingPodSelectors.Select(s => $"--blocking-pod-selector={s}").ToArray();

    /// <summary>The settings, one "name: value" line each, for -Verbose. The notification URL is "(secret)".</summary>
    public string Describe()
    {
        var lines = new List<string> { $"Image: {Image}" };
        lines.AddRange(Environment.Select(e => $"{e.Key}: {e.Value}"));
        lines.AddRange(ExtraArguments);
        if (HasNotifyUrl)
        {
            lines.Add($"KURED_NOTIFY_URL: {SecretShown}");
        }

        lines.AddRange(NodeSelector.Select(s => $"nodeSelector {s.Key}: {s.Value}"));
        lines.AddRange(Tolerations.Select(t => $"toleration {t.Key ?? "(any key)"} {t.Operator} {t.Value} {t.Effect ?? "(any effect)"}".Replace("  ", " ")));
        return string.Join(System.Environment.NewLine, lines);
    }

    public override string ToString() => Describe();

    private static AksSecurityException Invalid(string message, string parameter) => new(AksErrorKind.InvalidArgument, message, parameter);

    private static IReadOnlyList<string> ParseDays(IReadOnlyList<string> days)
    {
        var chosen = new SortedSet<int>();
        foreach (var day in days.SelectMany(d => (d ?? "").Split(',')).Select(d => d.Trim()))
        {
            var index = Array.FindIndex(DayCodes, code => DayNames(code).Contains(day, StringComparer.OrdinalIgnoreCase));
            if (index < 0)
            {
                throw Invalid($"-RebootDays: '{day}' is not a day. Use su, mo, tu, we, th, fr, sa (or sun..sat, or full names such as Monday).", "RebootDays");
            }

            chosen.Add(index);
        }

        if (chosen.Count == 0)
        {
            throw Invalid("-RebootDays is empty: name at least one day (leave it out to allow every day).", "RebootDays");
        }

        return chosen.Select(i => DayCodes[i]).ToArray();
    }

    // kured accepts su, sun and sunday for each day.
    private static string[] DayNames(string code)
    {
        var full = Enum.GetName((DayOfWeek)Array.IndexOf(DayCodes, code))!;
        return new[] { code, full[..3], full };
    }

    [GeneratedRegex(@"^(?<h>\d{1,2})(?::(?<m>\d{2}))?(?::(?<s>\d{2}))?\s*(?<ampm>am|pm)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TimeOfDay();

    /// <summary>Reads the forms kured accepts (15:04, 15:04:05, 03:04pm, 15, 3pm) and a TimeSpan's text; writes 24-hour HH:mm[:ss], which kured reads.</summary>
    private static string ParseTimeOfDay(string text, string parameter)
    {
        var match = TimeOfDay().Match(text.Trim());
        if (match.Success)
        {
            var hour = int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture);
            var minute = match.Groups["m"].Success ? int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) : 0;
            var second = match.Groups["s"].Success ? int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
            var amPm = match.Groups["ampm"].Value.ToLowerInvariant();
            var hourValid = amPm.Length == 0 ? hour <= 23 : hour is >= 1 and <= 12;
            if (hourValid && minute <= 59 && second <= 59)
            {
                if (amPm.Length > 0)
                {
                    hour = hour % 12 + (amPm == "pm" ? 12 : 0);
                }

                return second == 0
                    ? string.Create(CultureInfo.InvariantCulture, $"{hour:00}:{minute:00}")
                    : string.Create(CultureInfo.InvariantCulture, $"{hour:00}:{minute:00}:{second:00}");
            }
        }

        throw Invalid($"-{parameter}: '{text}' is not a time of day. Use 24-hour HH:mm or HH:mm:ss (22:00, 04:30:00) or 10pm.", parameter);
    }

    private static string ParseTimeZone(string text)
    {
        var id = text.Trim();
        if (id.Equals("UTC", StringComparison.OrdinalIgnoreCase))
        {
            return "UTC";
        }

        if (id.Equals("Local", StringComparison.OrdinalIgnoreCase))
        {
            return "Local";
        }

        // kured (Go's time.LoadLocation) knows IANA ids only; .NET would also take a Windows id, so name the IANA one instead.
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana) && !string.Equals(iana, id, StringComparison.Ordinal))
        {
            throw Invalid($"-TimeZone: '{id}' is a Windows time zone id; kured needs the IANA id, here '{iana}'.", "TimeZone");
        }

        if (id.Length > 0 && !id.Contains("..", StringComparison.Ordinal))
        {
            try
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
                if (zone.HasIanaId || TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out _))
                {
                    return zone.Id;
                }
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                // Not a zone this machine knows: refused below.
            }
        }

        throw Invalid($"-TimeZone: '{text}' is not a time zone. Use an IANA id such as Europe/Berlin or America/New_York, or UTC, or Local (the kured container's own zone, which is UTC).", "TimeZone");
    }

    private static TimeSpan ParseDuration(string text, string parameter, bool allowZero)
    {
        if (!GoDuration.TryParse(text, out var value, out var error))
        {
            throw Invalid($"-{parameter}: {error}", parameter);
        }

        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero))
        {
            throw Invalid(allowZero
                ? $"-{parameter}: '{text}' is negative; use 0 to turn it off."
                : $"-{parameter}: '{text}' must be longer than zero.", parameter);
        }

        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw Invalid($"-{parameter}: '{text}' is not a whole number of seconds.", parameter);
        }

        return value;
    }

    private static IReadOnlyList<string> ParseSelectors(IReadOnlyList<string>? selectors)
    {
        var result = new List<string>();
        foreach (var selector in selectors ?? Array.Empty<string>())
        {
            if (!LabelSyntax.IsSelector(selector, out var error))
            {
                throw Invalid($"-BlockingPodSelector: {error}", "BlockingPodSelector");
            }

            var trimmed = selector.Trim();
            if (!result.Contains(trimmed, StringComparer.Ordinal))
            {
                result.Add(trimmed);
            }
        }

        return result;
    }

    private static string ParseLockAnnotation(string text)
    {
        var key = text.Trim();
        if (!LabelSyntax.IsQualifiedName(key, out var error))
        {
            throw Invalid($"-LockAnnotation: {error}", "LockAnnotation");
        }

        return key;
    }

    private static string ParsePrometheusUrl(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw Invalid($"-PrometheusUrl: '{text}' is not an http or https URL, such as http://prometheus.monitoring.svc:9090.", "PrometheusUrl");
        }

        if (uri.UserInfo.Length > 0)
        {
            // The URL goes into the DaemonSet in clear; credentials there would be readable by anyone who can read it.
            throw Invalid("-PrometheusUrl must not carry a user name or password: it is stored in the DaemonSet in clear.", "PrometheusUrl");
        }

        return text.Trim();
    }

    [GeneratedRegex(@"\(\?[=!>(]|\(\?<[=!]|\\k<|\\[1-9]|[*+?}][+]", RegexOptions.CultureInvariant)]
    private static partial Regex NotInRe2();

    /// <summary>kured compiles the filter with Go's RE2: refuse what .NET cannot parse and what RE2 lacks (look-around, back-references, atomic groups).</summary>
    private static string ParseRegexp(string pattern)
    {
        try
        {
            // RE2's (?P<name>...) is (?<name>...) in .NET.
            _ = new Regex(pattern.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException ex)
        {
            throw Invalid($"-AlertFilterRegexp: '{pattern}' is not a regular expression: {ex.Message}", "AlertFilterRegexp");
        }

        if (NotInRe2().Match(pattern) is { Success: true } construct)
        {
            throw Invalid($"-AlertFilterRegexp: '{pattern}' uses '{construct.Value}', which Go's regular expressions (RE2, what kured uses) do not support: no look-around, back-references, atomic groups or possessive quantifiers.", "AlertFilterRegexp");
        }

        return pattern;
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*://\S+$", RegexOptions.CultureInvariant)]
    private static partial Regex ShoutrrrUrl();

    // Messages about the URL never repeat it: it carries credentials.
    private static string ParseNotifyUrl(SecureString secure)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
        string url;
        try
        {
            url = Marshal.PtrToStringUni(pointer) ?? "";
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }

        url = url.Trim();
        if (!ShoutrrrUrl().IsMatch(url))
        {
            throw Invalid("-NotifyUrl is not a notification URL: use a shoutrrr URL such as slack://..., teams://... or smtp://... (the value is not shown because it may hold credentials).", "NotifyUrl");
        }

        return url;
    }

    private static IReadOnlyDictionary<string, string> ParseNodeSelector(IReadOnlyDictionary<string, string>? selector)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/os"] = "linux" };
        foreach (var (key, value) in selector ?? new Dictionary<string, string>())
        {
            if (!LabelSyntax.IsQualifiedName(key, out var error) || !LabelSyntax.IsLabelValue(value, out error))
            {
                throw Invalid($"-NodeSelector: {error}", "NodeSelector");
            }

            if (key == "kubernetes.io/os" && value != "linux")
            {
                throw Invalid($"-NodeSelector: kubernetes.io/os={value} would schedule kured where it cannot run: kured has Linux images only.", "NodeSelector");
            }

            result[key] = value;
        }

        return result;
    }

    private static readonly string[] TolerationMembers = { "key", "operator", "value", "effect", "tolerationSeconds" };

    private static KuredToleration ParseToleration(IReadOnlyDictionary<string, string?> entry)
    {
        string? Get(string member) => entry.FirstOrDefault(e => e.Key.Equals(member, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } v ? v.Trim() : null;

        if (entry.Keys.FirstOrDefault(k => !TolerationMembers.Contains(k, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw Invalid($"-Toleration: '{unknown}' is not a toleration member; use key, operator, value, effect and tolerationSeconds.", "Toleration");
        }

        var key = Get("key");
        if (key is not null && !LabelSyntax.IsQualifiedName(key, out var keyError))
        {
            throw Invalid($"-Toleration: {keyError}", "Toleration");
        }

        var op = Get("operator") ?? "Equal";
        op = op.Equals("Exists", StringComparison.OrdinalIgnoreCase) ? "Exists"
            : op.Equals("Equal", StringComparison.OrdinalIgnoreCase) ? "Equal"
            : throw Invalid($"-Toleration: operator '{op}' is neither Equal nor Exists.", "Toleration");
        var value = Get("value");
        if (op == "Exists" && value is not null)
        {
            throw Invalid("-Toleration: operator Exists takes no value.", "Toleration");
        }

        if (key is null && op != "Exists")
        {
            throw Invalid("-Toleration: without a key the operator must be Exists (it then tolerates every taint).", "Toleration");
        }

        if (value is not null && !LabelSyntax.IsLabelValue(value, out var valueError))
        {
            throw Invalid($"-Toleration: {valueError}", "Toleration");
        }

        var effect = Get("effect");
        if (effect is not null)
        {
            effect = new[] { "NoSchedule", "PreferNoSchedule", "NoExecute" }.FirstOrDefault(e => e.Equals(effect, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid($"-Toleration: effect '{effect}' is not NoSchedule, PreferNoSchedule or NoExecute (leave it out to match every effect).", "Toleration");
        }

        long? seconds = null;
        if (Get("tolerationSeconds") is { } secondsText)
        {
            if (!long.TryParse(secondsText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                throw Invalid($"-Toleration: tolerationSeconds '{secondsText}' is not a whole number.", "Toleration");
            }

            if (effect != "NoExecute")
            {
                throw Invalid("-Toleration: tolerationSeconds applies to effect NoExecute only.", "Toleration");
            }

            seconds = parsed;
        }

        return new KuredToleration(key, op, value, effect, seconds);
    }

    private static string ParseImage(string? image, string? registry)
    {
        if (image is not null && registry is not null)
        {
            throw Invalid("-Image and -ImageRegistry cannot be combined: -Image names the whole image, -ImageRegistry only moves the pinned one to another registry.", "ImageRegistry");
        }

        if (registry is not null)
        {
            var host = registry.Trim().TrimEnd('/');
            if (host.Contains("://", StringComparison.Ordinal))
            {
                throw Invalid($"-ImageRegistry: '{registry}' has a scheme; give the registry host only, such as myregistry.azurecr.io.", "ImageRegistry");
            }

            if (!ContainerImages.IsRegistry(host))
            {
                throw Invalid($"-ImageRegistry: '{registry}' is not a registry host (lower case), such as myregistry.azurecr.io or myregistry.azurecr.io/mirror.", "ImageRegistry");
            }

            return $"{host}/{Repository}:{Version}";
        }

        if (image is not null)
        {
            var reference = image.Trim();
            if (!ContainerImages.IsReference(reference))
            {
                throw Invalid($"-Image: '{image}' is not an image reference such as myregistry.azurecr.io/kubereboot/kured:{Version}.", "Image");
            }

            if (!ContainerImages.IsPinned(reference))
            {
                throw Invalid($"-Image: '{image}' has no tag or digest; pin one (such as :{Version}) so every node runs the same kured.", "Image");
            }

            return reference;
        }

        return DefaultImage;
    }
}
