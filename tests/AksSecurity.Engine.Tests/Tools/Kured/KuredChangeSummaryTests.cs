using System.Text.Json.Nodes;
using AksSecurity.Engine.Tools.Kured;

namespace AksSecurity.Engine.Tests.Tools.Kured;

public class KuredChangeSummaryTests
{
    private static JsonObject DaemonSet(KuredRequest request) => KuredManifest.Build(new KuredSettings(request)).Single(o => (string?)o["kind"] == "DaemonSet");

    [Fact]
    public void The_same_settings_describe_nothing()
    {
        Assert.Empty(KuredChangeSummary.Describe(DaemonSet(new KuredRequest { Period = "30m" }), DaemonSet(new KuredRequest { Period = "00:30:00" })));
    }

    [Fact]
    public void Each_changed_setting_is_one_line()
    {
        var live = DaemonSet(new KuredRequest { Period = "1h", Concurrency = 2, BlockingPodSelectors = new[] { "app=batch" } });
        var desired = DaemonSet(new KuredRequest
        {
            Period = "30m",
            BlockingPodSelectors = new[] { "app=etl" },
            ImageRegistry = "myacr.azurecr.io",
            NodeSelector = new Dictionary<string, string> { ["agentpool"] = "pool2" },
            Tolerations = new[] { KuredSettingsTests.Toleration(("operator", "Exists")) },
        });

        Assert.Equal(new[]
        {
            "image: ghcr.io/kubereboot/kured:1.23.0 → myacr.azurecr.io/kubereboot/kured:1.23.0",
            "env KURED_CONCURRENCY: \"2\" → (none)",
            "env KURED_PERIOD: \"1h\" → \"30m\"",
            "argument added: --blocking-pod-selector=app=etl",
            "argument removed: --blocking-pod-selector=app=batch",
            "nodeSelector agentpool: (none) → pool2",
            "toleration added: {\"operator\":\"Exists\"}",
        }, KuredChangeSummary.Describe(desired, live));
    }

    [Fact]
    public void A_new_notify_url_is_named_but_never_shown()
    {
        var live = DaemonSet(new KuredRequest());
        var desired = DaemonSet(new KuredRequest { NotifyUrl = KuredSettingsTests.Secure(KuredSettingsTests.NotifyUrl) });

        var lines = KuredChangeSummary.Describe(desired, live);

        Assert.Equal(new[]
        {
            "env KURED_NOTIFY_URL: (none) → (from Secret kured-notify, key notify-url)",
            "notification URL changed: the kured pods restart to read it",
        }, lines);
        Assert.DoesNotContain(lines, l => l.Contains("hook-token", StringComparison.Ordinal));
    }
}
