using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Tests.Hardening;

public class GoDurationTests
{
    [Theory]
    [InlineData("2m", 120)]
    [InlineData("120s", 120)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 90s ", 90)]
    [InlineData("2m0s", 120)]
    [InlineData("1500ms", 1.5)]
    [InlineData("00:02:00", 120)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData("-5m", -300)]
    [InlineData("0", 0)]
    public void Reads_go_durations_and_invariant_timespans(string text, double seconds)
    {
        Assert.True(GoDuration.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("5x")]
    [InlineData("2 m")]
    [InlineData("m")]
    [InlineData("1d")]
    [InlineData("PT2M")]
    [InlineData("12:99:00")]
    public void Refuses_what_is_not_a_duration_with_a_reason(string text)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Contains("duration", error);
    }

    [Theory]
    [InlineData(120, "2m")]
    [InlineData(3600, "1h")]
    [InlineData(5400, "90m")]
    [InlineData(90, "90s")]
    [InlineData(7200, "2h")]
    [InlineData(0, "0s")]
    public void Writes_the_shortest_whole_unit(int seconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Refuses_to_write_fractions_of_a_second() =>
        Assert.Throws<ArgumentException>(() => GoDuration.Format(TimeSpan.FromMilliseconds(1500)));

    [Theory]
    [InlineData(120, "2 minutes")]
    [InlineData(5430, "1 hour 30 minutes 30 seconds")]
    [InlineData(1, "1 second")]
    public void Describes_a_duration_in_words(int seconds, string expected) =>
        Assert.Equal(expected, GoDuration.Describe(TimeSpan.FromSeconds(seconds)));
}
