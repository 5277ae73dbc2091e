using System.Globalization;
using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// Durations as the Secrets Store CSI driver reads rotationPollInterval: Go's time.ParseDuration syntax ("2m", "90s",
/// "1h30m", "1.5h"). Also reads a TimeSpan in its invariant form ("00:02:00"), which is how a PowerShell [TimeSpan]
/// reaches the engine. Writes the shortest whole-unit form ("2m", "1h", "90s").
/// </summary>
public static partial class GoDuration
{
    private static readonly (string Unit, decimal Ticks)[] Units =
    {
        ("ns", 0.01m), ("us", 10m), ("µs", 10m), ("μs", 10m), ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    };

    [GeneratedRegex(@"^(?<sign>[+-]?)(?:(?<number>\d+(?:\.\d*)?|\.\d+)(?<unit>ns|us|µs|μs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoSyntax();

    /// <summary>Reads <paramref name="text"/>; false with a reason a user can act on when it is not a duration.</summary>
    public static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "An empty text is not a duration: use a number with a unit, such as 2m, 90s or 1h.";
            return false;
        }

        // Go accepts a bare "0" as zero; every other number needs a unit.
        if (trimmed is "0" or "+0" or "-0")
        {
            error = "";
            return true;
        }

        var match = GoSyntax().Match(trimmed);
        if (match.Success)
        {
            decimal ticks = 0;
            var numbers = match.Groups["number"].Captures;
            var units = match.Groups["unit"].Captures;
            for (var i = 0; i < numbers.Count; i++)
            {
                var perUnit = Units.First(u => u.Unit == units[i].Value).Ticks;
                ticks += decimal.Parse(numbers[i].Value.EndsWith('.') ? numbers[i].Value + "0" : numbers[i].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * perUnit;
                if (ticks > TimeSpan.MaxValue.Ticks)
                {
                    error = $"'{text}' is too long a duration.";
                    return false;
                }
            }

            value = TimeSpan.FromTicks((long)decimal.Round(ticks));
            if (match.Groups["sign"].Value == "-")
            {
                value = value.Negate();
            }

            error = "";
            return true;
        }

        if (trimmed.Contains(':') && TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out value))
        {
            error = "";
            return true;
        }

        error = $"'{text}' is not a duration: use a number with a unit (s, m or h), such as 2m, 90s or 1h, or a TimeSpan such as 00:02:00.";
        return false;
    }

    /// <summary>The shortest whole-unit form: "1h" for an hour, "2m" for 120 seconds, "90s" otherwise. Whole seconds only.</summary>
    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentException($"{value} is not a whole number of seconds.", nameof(value));
        }

        var seconds = (long)value.TotalSeconds;
        return seconds % 3600 == 0 && seconds != 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 && seconds != 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    /// <summary>"2 minutes", "1 hour 30 minutes", for messages.</summary>
    public static string Describe(TimeSpan value)
    {
        var parts = new List<string>();
        if ((int)value.TotalHours > 0)
        {
            parts.Add(Plural((int)value.TotalHours, "hour"));
        }

        if (value.Minutes > 0)
        {
            parts.Add(Plural(value.Minutes, "minute"));
        }

        if (value.Seconds > 0 || parts.Count == 0)
        {
            parts.Add(Plural(value.Seconds, "second"));
        }

        return string.Join(" ", parts);
    }

    private static string Plural(int count, string unit) => count == 1 ? $"1 {unit}" : $"{count} {unit}s";
}
