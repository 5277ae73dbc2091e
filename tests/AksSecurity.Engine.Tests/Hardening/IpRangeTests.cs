using System.Net;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Tests.Hardening;

public class IpRangeTests
{
    [Theory]
    [InlineData("203.0.113.0/24", "203.0.113.0/24")]
    [InlineData(" 52.3.4.5/32 ", "52.3.4.5/32")]
    [InlineData("52.3.4.5", "52.3.4.5/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("0.0.0.0/32", "0.0.0.0/32")]
    public void Accepts_ipv4_cidrs_and_normalises_bare_addresses(string text, string expected)
    {
        Assert.True(IpRange.TryParse(text, out var range, out var error), error);
        Assert.Equal(expected, range.ToString());
    }

    [Theory]
    [InlineData("10.0.0.1/24", "host bits", "10.0.0.0/24")]
    [InlineData("10.0.0.0/33", "prefix length", null)]
    [InlineData("10.0.0.0/-1", "prefix length", null)]
    [InlineData("10.0.0/24", "not an IPv4 CIDR", null)]
    [InlineData("1/32", "not an IPv4 CIDR", null)]
    [InlineData("256.1.1.1/32", "not an IPv4 CIDR", null)]
    [InlineData("2001:db8::/32", "IPv6", null)]
    [InlineData("", "not an IPv4 CIDR", null)]
    [InlineData("abc", "not an IPv4 CIDR", null)]
    public void Refuses_bad_ranges_with_a_reason(string text, string reason, string? suggestion)
    {
        Assert.False(IpRange.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
        if (suggestion is not null)
        {
            Assert.Contains(suggestion, error);
        }
    }

    [Theory]
    [InlineData("203.0.113.0/24", "203.0.113.77", true)]
    [InlineData("203.0.113.0/24", "203.0.114.1", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("52.3.4.5/32", "52.3.4.5", true)]
    [InlineData("52.3.4.5/32", "::ffff:52.3.4.5", true)]
    [InlineData("52.3.4.5/32", "2001:db8::1", false)]
    public void Contains_checks_membership(string range, string address, bool expected)
    {
        Assert.True(IpRange.TryParse(range, out var parsed, out _));
        Assert.Equal(expected, parsed.Contains(IPAddress.Parse(address)));
    }
}
