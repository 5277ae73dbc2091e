using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// The -Image and -ImageRegistry values of the in-cluster tools, checked before anything is sent (the distribution
/// reference grammar, lower case as registries require): a registry host with optional port and path, and an image
/// reference with its registry, optional tag and digest.
/// </summary>
internal static partial class ContainerImages
{
    /// <summary>A registry host with optional port and path (myacr.azurecr.io, myacr.azurecr.io:5000/mirror); no scheme, no trailing '/'.</summary>
    public static bool IsRegistry(string host) => Registry().IsMatch(host);

    /// <summary>registry/repository with an optional :tag and @sha256:digest.</summary>
    public static bool IsReference(string reference) => Reference().IsMatch(reference);

    /// <summary>True when the reference names a tag or a digest, so every node runs the same image.</summary>
    public static bool IsPinned(string reference)
    {
        var lastSegment = reference[(reference.LastIndexOf('/') + 1)..];
        return lastSegment.Contains(':', StringComparison.Ordinal) || lastSegment.Contains('@', StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Registry();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
