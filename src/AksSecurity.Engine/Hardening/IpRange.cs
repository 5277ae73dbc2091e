using System.Net;
using System.Net.Sockets;

namespace AksSecurity.Engine.Hardening;

/// <summary>An IPv4 CIDR range as the AKS API server accepts it in authorizedIPRanges.</summary>
public readonly record struct IpRange(uint Network, int PrefixLength)
{
    /// <summary>"0.0.0.0/32" is the service's special value: only the cluster's own egress may reach the API server.</summary>
    public static readonly IpRange NodesOnly = new(0, 32);

    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetwork && (ToUInt32(address) & Mask) == Network;
    }

    public override string ToString() => $"{new IPAddress(BitConverterBigEndian(Network))}/{PrefixLength}";

    /// <summary>Parses "a.b.c.d/n" (or a bare address as /32), refusing host bits, IPv6 and malformed text with a reason a user can act on.</summary>
    public static bool TryParse(string? text, out IpRange range, out string error)
    {
        range = default;
        var value = text?.Trim() ?? "";
        var slash = value.IndexOf('/');
        var addressText = slash < 0 ? value : value[..slash];
        var prefixText = slash < 0 ? "32" : value[(slash + 1)..];

        if (!IsDottedQuad(addressText) || !IPAddress.TryParse(addressText, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            error = value.Contains(':')
                ? $"'{text}' is an IPv6 range; AKS authorized IP ranges take IPv4 CIDRs only."
                : $"'{text}' is not an IPv4 CIDR range such as 203.0.113.0/24.";
            return false;
        }

        if (!int.TryParse(prefixText, System.Globalization.NumberStyles.None, null, out var prefix) || prefix > 32)
        {
            error = $"'{text}' has an invalid prefix length '{prefixText}'; it must be a number from 0 to 32.";
            return false;
        }

        var candidate = new IpRange(ToUInt32(address), prefix);
        var network = candidate.Network & candidate.Mask;
        if (network != candidate.Network)
        {
            error = $"'{text}' has host bits set; the range starting at that prefix is {new IpRange(network, prefix)}.";
            return false;
        }

        range = candidate;
        error = "";
        return true;
    }

    /// <summary>An IPv4 address in dotted form or an IPv6 address; refuses the shorthand forms IPAddress.Parse accepts ("1" as 0.0.0.1).</summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        var trimmed = text.Trim();
        return (IsDottedQuad(trimmed) || trimmed.Contains(':')) && IPAddress.TryParse(trimmed, out address!);
    }

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static byte[] BitConverterBigEndian(uint value) =>
        new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value };
}
