using System.Net;
using System.Security;
using AksSecurity.Engine.Tools.Kured;

namespace AksSecurity.Engine.Tests.Tools.Kured;

public class KuredSettingsTests
{
    internal const string NotifyUrl = "slack://hook-token-a/hook-token-b/hook-token-c";

    internal static SecureString Secure(string text) => new NetworkCredential("", text).SecurePassword;

    private static AksSecurityException Refused(KuredRequest request)
    {
        var ex = Assert.Throws<AksSecurityException>(() => new KuredSettings(request));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        return ex;
    }

    public static TheoryData<string, KuredRequest> BadRequests => new()
    {
        { "RebootDays", new KuredRequest { RebootDays = new[] { "mo", "funday" } } },
        { "RebootDays", new KuredRequest { RebootDays = new[] { "m" } } },
        { "RebootDays", new KuredRequest { RebootDays = Array.Empty<string>() } },
        { "StartTime", new KuredRequest { StartTime = "25:00" } },
        { "StartTime", new KuredRequest { StartTime = "22:7" } },
        { "StartTime", new KuredRequest { StartTime = "13pm" } },
        { "EndTime", new KuredRequest { EndTime = "1.04:00:00" } },
        { "EndTime", new KuredRequest { StartTime = "22:00", EndTime = "10pm" } },
        { "TimeZone", new KuredRequest { TimeZone = "Mars/Olympus_Mons" } },
        { "TimeZone", new KuredRequest { TimeZone = "W. Europe Standard Time" } },
        { "TimeZone", new KuredRequest { TimeZone = "" } },
        { "Period", new KuredRequest { Period = "0" } },
        { "Period", new KuredRequest { Period = "soon" } },
        { "Period", new KuredRequest { Period = "1500ms" } },
        { "DrainTimeout", new KuredRequest { DrainTimeout = "-5m" } },
        { "LockTtl", new KuredRequest { LockTtl = "2 hours" } },
        { "BlockingPodSelector", new KuredRequest { BlockingPodSelectors = new[] { "app=batch", "" } } },
        { "BlockingPodSelector", new KuredRequest { BlockingPodSelectors = new[] { "app in (a,b" } } },
        { "BlockingPodSelector", new KuredRequest { BlockingPodSelectors = new[] { "app=-bad-" } } },
        { "BlockingPodSelector", new KuredRequest { BlockingPodSelectors = new[] { "app=x,,tier=y" } } },
        { "BlockingPodSelector", new KuredRequest { BlockingPodSelectors = new[] { "Bad_Prefix.io/app=x" } } },
        { "BlockingPodSelector", new KuredRequest { BlockingPodSelectors = new[] { "replicas>many" } } },
        { "LockAnnotation", new KuredRequest { LockAnnotation = "not a key" } },
        { "LockAnnotation", new KuredRequest { LockAnnotation = "example.com/" } },
        { "Concurrency", new KuredRequest { Concurrency = 0 } },
        { "PrometheusUrl", new KuredRequest { PrometheusUrl = "prometheus:9090" } },
        { "PrometheusUrl", new KuredRequest { PrometheusUrl = "ftp://prometheus" } },
        { "PrometheusUrl", new KuredRequest { PrometheusUrl = "http://user:pass@prometheus" } },
        { "AlertFilterRegexp", new KuredRequest { AlertFilterRegexp = "^Reboot" } },
        { "AlertFiringOnly", new KuredRequest { AlertFiringOnly = true } },
        { "AlertFilterRegexp", new KuredRequest { PrometheusUrl = "http://p:9090", AlertFilterRegexp = "^(Reboot" } },
        { "AlertFilterRegexp", new KuredRequest { PrometheusUrl = "http://p:9090", AlertFilterRegexp = "^(?!Watchdog)" } },
        { "AlertFilterRegexp", new KuredRequest { PrometheusUrl = "http://p:9090", AlertFilterRegexp = @"(a)\1" } },
        { "NodeSelector", new KuredRequest { NodeSelector = new Dictionary<string, string> { ["bad key!"] = "x" } } },
        { "NodeSelector", new KuredRequest { NodeSelector = new Dictionary<string, string> { ["pool"] = "has space" } } },
        { "NodeSelector", new KuredRequest { NodeSelector = new Dictionary<string, string> { ["kubernetes.io/os"] = "windows" } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("key", "a"), ("operator", "Maybe")) } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("key", "a"), ("operator", "Exists"), ("value", "b")) } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("key", "a"), ("effect", "Sometimes")) } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("key", "a"), ("effect", "NoSchedule"), ("tolerationSeconds", "30")) } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("key", "a"), ("effect", "NoExecute"), ("tolerationSeconds", "soon")) } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("colour", "red")) } } },
        { "Toleration", new KuredRequest { Tolerations = new[] { Toleration(("value", "x")) } } },
        { "ImageRegistry", new KuredRequest { ImageRegistry = "https://myacr.azurecr.io" } },
        { "ImageRegistry", new KuredRequest { ImageRegistry = "My ACR" } },
        { "ImageRegistry", new KuredRequest { ImageRegistry = "myacr.azurecr.io", Image = "myacr.azurecr.io/kured:1.23.0" } },
        { "Image", new KuredRequest { Image = "myacr.azurecr.io/kubereboot/kured" } },
        { "Image", new KuredRequest { Image = "not an image" } },
        { "NotifyUrl", new KuredRequest { NotifyUrl = Secure("hooks.slack.com/services/x") } },
        { "NotifyUrl", new KuredRequest { NotifyUrl = Secure("") } },
    };

    internal static IReadOnlyDictionary<string, string?> Toleration(params (string Key, string Value)[] members) =>
        members.ToDictionary(m => m.Key, m => (string?)m.Value);

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Each_bad_value_is_refused_naming_its_parameter(string parameter, KuredRequest request)
    {
        var ex = Refused(request);
        Assert.Equal(parameter, ex.Target);
        Assert.Contains($"-{parameter}", ex.Message);
    }

    [Fact]
    public void A_bad_notify_url_is_refused_without_showing_it()
    {
        var ex = Refused(new KuredRequest { NotifyUrl = Secure("hooks.slack.com/services/T000/B000/XXXXSECRET") });
        Assert.DoesNotContain("XXXXSECRET", ex.Message);
    }

    [Theory]
    [InlineData("mo", "mo")]
    [InlineData("Monday", "mo")]
    [InlineData("SUN", "su")]
    [InlineData("sa,su", "su,sa")]
    [InlineData("fri", "fr")]
    [InlineData("thursday", "th")]
    public void Reboot_days_are_normalised_to_kured_codes_in_week_order(string days, string expected)
    {
        var settings = new KuredSettings(new KuredRequest { RebootDays = days.Split(' ') });
        Assert.Equal(expected, string.Join(",", settings.RebootDays!));
    }

    [Fact]
    public void Repeated_days_count_once()
    {
        var settings = new KuredSettings(new KuredRequest { RebootDays = new[] { "mo", "Monday", "tu", "mon" } });
        Assert.Equal(new[] { "mo", "tu" }, settings.RebootDays);
    }

    [Theory]
    [InlineData("22:00", "22:00")]
    [InlineData("2:30", "02:30")]
    [InlineData("22:00:00", "22:00")]
    [InlineData("04:30:15", "04:30:15")]
    [InlineData("10pm", "22:00")]
    [InlineData("12am", "00:00")]
    [InlineData("03:04pm", "15:04")]
    [InlineData("15", "15:00")]
    [InlineData(" 6 AM ", "06:00")]
    public void Times_of_day_are_read_in_kured_forms_and_written_in_24_hours(string text, string expected)
    {
        Assert.Equal(expected, new KuredSettings(new KuredRequest { StartTime = text }).StartTime);
    }

    [Theory]
    [InlineData("utc", "UTC")]
    [InlineData("LOCAL", "Local")]
    [InlineData("Europe/Berlin", "Europe/Berlin")]
    [InlineData("America/New_York", "America/New_York")]
    public void Time_zones_are_iana_ids_utc_or_local(string text, string expected)
    {
        Assert.Equal(expected, new KuredSettings(new KuredRequest { TimeZone = text }).TimeZone);
    }

    [Fact]
    public void A_windows_time_zone_id_is_refused_naming_the_iana_id()
    {
        Assert.Contains("Europe/Berlin", Refused(new KuredRequest { TimeZone = "W. Europe Standard Time" }).Message);
    }

    [Theory]
    [InlineData("30m", "30m")]
    [InlineData("00:30:00", "30m")]
    [InlineData("1h", "1h")]
    [InlineData("90s", "90s")]
    [InlineData("1.00:00:00", "24h")]
    public void Durations_are_go_durations_or_timespans(string text, string expected)
    {
        var settings = new KuredSettings(new KuredRequest { Period = text, DrainTimeout = text, LockTtl = text });
        Assert.Contains(new KeyValuePair<string, string>("KURED_PERIOD", expected), settings.Environment);
        Assert.Contains(new KeyValuePair<string, string>("KURED_DRAIN_TIMEOUT", expected), settings.Environment);
        Assert.Contains(new KeyValuePair<string, string>("KURED_LOCK_TTL", expected), settings.Environment);
    }

    [Fact]
    public void Zero_turns_drain_timeout_and_lock_ttl_off()
    {
        var settings = new KuredSettings(new KuredRequest { DrainTimeout = "0", LockTtl = "00:00:00" });
        Assert.Contains(new KeyValuePair<string, string>("KURED_DRAIN_TIMEOUT", "0s"), settings.Environment);
        Assert.Contains(new KeyValuePair<string, string>("KURED_LOCK_TTL", "0s"), settings.Environment);
    }

    [Fact]
    public void Defaults_set_only_the_node_annotations_and_the_pinned_image()
    {
        var settings = new KuredSettings(new KuredRequest());
        Assert.Equal(new[] { new KeyValuePair<string, string>("KURED_ANNOTATE_NODES", "true") }, settings.Environment);
        Assert.Empty(settings.ExtraArguments);
        Assert.Equal("ghcr.io/kubereboot/kured:1.23.0", settings.Image);
        Assert.Equal(new Dictionary<string, string> { ["kubernetes.io/os"] = "linux" }, settings.NodeSelector);
        Assert.False(settings.HasNotifyUrl);
    }

    [Fact]
    public void Every_option_becomes_its_own_kured_variable()
    {
        var settings = new KuredSettings(new KuredRequest
        {
            RebootDays = new[] { "mo", "tu" },
            StartTime = "22:00",
            EndTime = "04:00",
            TimeZone = "Europe/Berlin",
            Period = "30m",
            DrainTimeout = "15m",
            LockTtl = "2h",
            LockAnnotation = "example.com/reboot-lock",
            Concurrency = 2,
            PrometheusUrl = "http://prometheus.monitoring.svc:9090",
            AlertFilterRegexp = "^(RebootRequired|Watchdog)$",
            AlertFiringOnly = true,
        });

        Assert.Equal(new Dictionary<string, string>
        {
            ["KURED_ANNOTATE_NODES"] = "true",
            ["KURED_REBOOT_DAYS"] = "mo,tu",
            ["KURED_START_TIME"] = "22:00",
            ["KURED_END_TIME"] = "04:00",
            ["KURED_TIME_ZONE"] = "Europe/Berlin",
            ["KURED_PERIOD"] = "30m",
            ["KURED_DRAIN_TIMEOUT"] = "15m",
            ["KURED_LOCK_ANNOTATION"] = "example.com/reboot-lock",
            ["KURED_LOCK_TTL"] = "2h",
            ["KURED_CONCURRENCY"] = "2",
            ["KURED_PROMETHEUS_URL"] = "http://prometheus.monitoring.svc:9090",
            ["KURED_ALERT_FILTER_REGEXP"] = "^(RebootRequired|Watchdog)$",
            ["KURED_ALERT_FIRING_ONLY"] = "true",
        }, settings.Environment.ToDictionary(e => e.Key, e => e.Value));
    }

    [Fact]
    public void Blocking_pod_selectors_become_repeated_arguments()
    {
        var settings = new KuredSettings(new KuredRequest
        {
            BlockingPodSelectors = new[] { "runtime=long,cost=expensive", "app in (batch, etl)", "!canary", "tier notin (web)", "runtime=long,cost=expensive", "generation>3" },
        });
        Assert.Equal(new[]
        {
            "--blocking-pod-selector=runtime=long,cost=expensive",
            "--blocking-pod-selector=app in (batch, etl)",
            "--blocking-pod-selector=!canary",
            "--blocking-pod-selector=tier notin (web)",
            "--blocking-pod-selector=generation>3",
        }, settings.ExtraArguments);
        Assert.DoesNotContain(settings.Environment, e => e.Key.Contains("BLOCKING", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("myacr.azurecr.io", "myacr.azurecr.io/kubereboot/kured:1.23.0")]
    [InlineData("myacr.azurecr.io/", "myacr.azurecr.io/kubereboot/kured:1.23.0")]
    [InlineData("myacr.azurecr.io/mirror", "myacr.azurecr.io/mirror/kubereboot/kured:1.23.0")]
    [InlineData("registry.local:5000", "registry.local:5000/kubereboot/kured:1.23.0")]
    public void An_image_registry_keeps_the_repository_path_and_tag(string registry, string expected)
    {
        Assert.Equal(expected, new KuredSettings(new KuredRequest { ImageRegistry = registry }).Image);
    }

    [Theory]
    [InlineData("myacr.azurecr.io/kured:1.23.0-patched")]
    [InlineData("myacr.azurecr.io/kubereboot/kured@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void An_image_replaces_the_pinned_one(string image)
    {
        Assert.Equal(image, new KuredSettings(new KuredRequest { Image = image }).Image);
    }

    [Fact]
    public void Node_selector_and_tolerations_are_kept_validated()
    {
        var settings = new KuredSettings(new KuredRequest
        {
            NodeSelector = new Dictionary<string, string> { ["agentpool"] = "nodepool1" },
            Tolerations = new[]
            {
                Toleration(("key", "sku"), ("operator", "equal"), ("value", "gpu"), ("effect", "noschedule")),
                Toleration(("operator", "Exists")),
                Toleration(("Key", "node.kubernetes.io/unreachable"), ("Operator", "Exists"), ("Effect", "NoExecute"), ("TolerationSeconds", "300")),
            },
        });

        Assert.Equal("nodepool1", settings.NodeSelector["agentpool"]);
        Assert.Equal("linux", settings.NodeSelector["kubernetes.io/os"]);
        Assert.Equal(new KuredToleration("sku", "Equal", "gpu", "NoSchedule", null), settings.Tolerations[0]);
        Assert.Equal(new KuredToleration(null, "Exists", null, null, null), settings.Tolerations[1]);
        Assert.Equal(new KuredToleration("node.kubernetes.io/unreachable", "Exists", null, "NoExecute", 300), settings.Tolerations[2]);
    }

    [Fact]
    public void The_notify_url_is_kept_for_the_secret_and_shown_nowhere()
    {
        var settings = new KuredSettings(new KuredRequest { NotifyUrl = Secure(NotifyUrl), Period = "30m" });

        Assert.True(settings.HasNotifyUrl);
        Assert.Equal(NotifyUrl, settings.NotifyUrl);
        Assert.DoesNotContain(settings.Environment, e => e.Value.Contains("hook-token", StringComparison.Ordinal) || e.Key == "KURED_NOTIFY_URL");
        Assert.DoesNotContain(settings.ExtraArguments, a => a.Contains("hook-token", StringComparison.Ordinal));
        Assert.DoesNotContain("hook-token", settings.Describe());
        Assert.Contains("KURED_NOTIFY_URL: (secret)", settings.Describe());
        Assert.DoesNotContain("hook-token", settings.ToString());
        Assert.Matches("^[0-9a-f]{16}$", settings.NotifyUrlFingerprint);
        Assert.NotEqual(settings.NotifyUrlFingerprint, new KuredSettings(new KuredRequest { NotifyUrl = Secure(NotifyUrl + "x") }).NotifyUrlFingerprint);
    }
}
