using System.Globalization;

namespace AksSecurity.Engine.Clusters;

/// <summary>
/// A Kubernetes version as AKS writes it: "1.30" (major.minor, the service picks the patch) or "1.30.4". A leading "v"
/// (kubectl's spelling) is accepted.
/// </summary>
public readonly record struct KubernetesVersionNumber(int Major, int Minor, int? Patch) : IComparable<KubernetesVersionNumber>
{
    public static bool TryParse(string? text, out KubernetesVersionNumber version)
    {
        version = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().TrimStart('v', 'V').Split('.');
        if (parts.Length is < 2 or > 3 || !TryPart(parts[0], out var major) || !TryPart(parts[1], out var minor))
        {
            return false;
        }

        int? patch = null;
        if (parts.Length == 3)
        {
            if (!TryPart(parts[2], out var p))
            {
                return false;
            }

            patch = p;
        }

        version = new KubernetesVersionNumber(major, minor, patch);
        return true;
    }

    /// <summary>Major and minor only: what supported-version lists and upgrade rules speak of.</summary>
    public KubernetesVersionNumber MinorVersion => this with { Patch = null };

    public bool SameMinor(KubernetesVersionNumber other) => Major == other.Major && Minor == other.Minor;

    /// <summary>Orders by major, minor, then patch; a version without a patch sorts before the same minor with one.</summary>
    public int CompareTo(KubernetesVersionNumber other)
    {
        var byMajor = Major.CompareTo(other.Major);
        if (byMajor != 0)
        {
            return byMajor;
        }

        var byMinor = Minor.CompareTo(other.Minor);
        return byMinor != 0 ? byMinor : (Patch ?? -1).CompareTo(other.Patch ?? -1);
    }

    public static bool operator <(KubernetesVersionNumber a, KubernetesVersionNumber b) => a.CompareTo(b) < 0;
    public static bool operator >(KubernetesVersionNumber a, KubernetesVersionNumber b) => a.CompareTo(b) > 0;
    public static bool operator <=(KubernetesVersionNumber a, KubernetesVersionNumber b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KubernetesVersionNumber a, KubernetesVersionNumber b) => a.CompareTo(b) >= 0;

    public override string ToString() => Patch is int patch ? $"{Major}.{Minor}.{patch}" : $"{Major}.{Minor}";

    private static bool TryPart(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
