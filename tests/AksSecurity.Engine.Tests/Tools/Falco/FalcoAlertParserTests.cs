using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tools.Falco;

namespace AksSecurity.Engine.Tests.Tools.Falco;

public class FalcoAlertParserTests
{
    public static TheoryData<string> FixtureAlerts() => new(ToolTestData.Files("falco/alerts", "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(FixtureAlerts))]
    public void Every_fixture_alert_parses_with_rule_priority_time_and_fields(string file)
    {
        var line = File.ReadAllText(ToolTestData.PathOf("falco", "alerts", file));

        var alert = FalcoAlertParser.TryParse(line, "aks-nodepool1-0", "falco-abcde");

        Assert.NotNull(alert);
        Assert.False(string.IsNullOrEmpty(alert.Rule));
        Assert.True(Enum.IsDefined(alert.Priority));
        Assert.Equal(TimeSpan.Zero, alert.Time.Offset);
        Assert.NotEmpty(alert.Fields);
        Assert.Equal("aks-nodepool1-0", alert.Node);
        Assert.Equal("falco-abcde", alert.FalcoPod);
    }

    [Fact]
    public void The_documentation_alert_is_read_field_by_field()
    {
        var line = File.ReadAllText(ToolTestData.PathOf("falco", "alerts", "terminal-shell-in-container.falco-website.json"));

        var alert = FalcoAlertParser.TryParse(line)!;

        Assert.Equal("Terminal shell in container", alert.Rule);
        Assert.Equal(FalcoPriority.Critical, alert.Priority);
        // 13:44:05.478445995Z: the nanoseconds are cut to 100 ns ticks.
        Assert.Equal(new DateTimeOffset(2023, 5, 25, 13, 44, 5, TimeSpan.Zero).AddTicks(4784459), alert.Time);
        Assert.StartsWith("13:44:05.478445995: Critical A shell was spawned", alert.Output);
        Assert.Equal("syscall", alert.Source);
        Assert.Equal(new[] { "container", "mitre_execution", "shell" }, alert.Tags);
        Assert.Equal("falco-xczjd", alert.Hostname);
        Assert.Equal("kubecon", alert.Pod);
        Assert.Equal("default", alert.Namespace);
        Assert.Equal("sh -c clear; (bash || ash || sh)", alert.Fields["proc.cmdline"]);
        Assert.Equal(typeof(long), alert.Fields["proc.tty"]!.GetType());
        Assert.Equal(34816L, alert.Fields["proc.tty"]);
        Assert.Equal(-1L, alert.Fields["USER.LOGINUID"]);
        Assert.Equal(1685022245478445995L, alert.Fields["evt.time"]);
    }

    [Fact]
    public void Keys_are_read_by_name_in_current_falcos_alphabetical_order_and_null_fields_stay_null()
    {
        // Falco 0.44 writes the keys in alphabetical order (output_fields between output and priority); <NA> fields are null.
        const string line = """{"hostname":"aks-nodepool1-1","output":"2026-11-27T07:00:01.000000001+0000: Warning Sensitive file opened","output_fields":{"container.id":"host","fd.name":"/etc/shadow","k8s.ns.name":null,"k8s.pod.name":null},"priority":"Warning","rule":"Read sensitive file untrusted","source":"syscall","tags":["filesystem"],"time":"2026-11-27T07:00:01.000000001Z"}""";

        var alert = FalcoAlertParser.TryParse(line)!;

        Assert.Equal(FalcoPriority.Warning, alert.Priority);
        Assert.True(alert.Fields.ContainsKey("k8s.pod.name"));
        Assert.Null(alert.Fields["k8s.pod.name"]);
        Assert.Null(alert.Pod);
        Assert.Null(alert.Namespace);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 7, 0, 1, TimeSpan.Zero), alert.Time);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Fri Nov 27 07:00:00 2026: Falco version: 0.44.1 (x86_64)")]
    [InlineData("Fri Nov 27 07:00:00 2026: Loading rules from:")]
    [InlineData("{\"level\":\"INFO\",\"msg\":\"Resolving dependencies ...\"}")]
    [InlineData("{\"rule\":\"x\",\"priority\":\"Loud\",\"time\":\"2026-11-27T07:00:00Z\"}")]
    [InlineData("{\"rule\":\"x\",\"priority\":\"3\",\"time\":\"2026-11-27T07:00:00Z\"}")]
    [InlineData("{\"rule\":\"x\",\"priority\":\"Error\",\"time\":\"yesterday\"}")]
    [InlineData("{\"rule\":\"x\",\"priority\":\"Error\"")]
    [InlineData("[1,2,3]")]
    public void Lines_that_are_not_json_alerts_are_skipped(string line) => Assert.Null(FalcoAlertParser.TryParse(line));

    [Fact]
    public void Priorities_are_ordered_from_emergency_to_debug_as_falco_numbers_them()
    {
        var names = new[] { "Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug" };
        Assert.Equal(names, Enum.GetNames<FalcoPriority>());
        Assert.Equal(Enumerable.Range(0, 8), Enum.GetValues<FalcoPriority>().Select(p => (int)p));
        Assert.True(FalcoAlertParser.TryParsePriority("info", out var info));
        Assert.Equal(FalcoPriority.Informational, info);
        Assert.True(FalcoAlertParser.TryParsePriority("WARNING", out var warning));
        Assert.Equal(FalcoPriority.Warning, warning);
    }

    private static FalcoAlert Alert(string rule, FalcoPriority priority, int minute) => new()
    {
        Rule = rule, Priority = priority, Time = new DateTimeOffset(2026, 11, 27, 7, minute, 0, TimeSpan.Zero),
    };

    [Fact]
    public void The_query_filters_by_time_priority_and_rule_wildcards()
    {
        var alerts = new[]
        {
            Alert("Terminal shell in container", FalcoPriority.Notice, 1),
            Alert("Read sensitive file untrusted", FalcoPriority.Warning, 2),
            Alert("Drop and execute new binary in container", FalcoPriority.Critical, 3),
            Alert("Clear Log Activities", FalcoPriority.Debug, 4),
        };

        string[] Kept(FalcoAlertQuery query) => alerts.Where(query.Matches).Select(a => a.Rule).ToArray();

        Assert.Equal(4, Kept(new FalcoAlertQuery()).Length);
        Assert.Equal(new[] { "Read sensitive file untrusted", "Drop and execute new binary in container" },
            Kept(new FalcoAlertQuery { MinimumPriority = FalcoPriority.Warning }));
        Assert.Equal(new[] { "Drop and execute new binary in container", "Clear Log Activities" },
            Kept(new FalcoAlertQuery { Since = new DateTimeOffset(2026, 11, 27, 7, 3, 0, TimeSpan.Zero) }));
        Assert.Equal(new[] { "Terminal shell in container", "Drop and execute new binary in container" },
            Kept(new FalcoAlertQuery { Rules = new[] { "*CONTAINER" } }));
        Assert.Equal(new[] { "Terminal shell in container" },
            Kept(new FalcoAlertQuery { Rules = new[] { "Terminal*", "Clear?Log*" }, MinimumPriority = FalcoPriority.Notice }));
    }
}
