using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>The Kubernetes name rules our parameters must meet before anything is sent (apimachinery validation.go).</summary>
internal static partial class KubernetesNameRules
{
    /// <summary>RFC 1123 label of at most 63 characters: namespace names.</summary>
    public static bool IsLabel(string name) => name.Length <= 63 && Label().IsMatch(name);

    /// <summary>RFC 1123 subdomain of at most 253 characters: object names, label key prefixes.</summary>
    public static bool IsSubdomain(string name) => name.Length <= 253 && Subdomain().IsMatch(name);

    /// <summary>RFC 1123 subdomain: object names such as a SecretProviderClass or a Secret.</summary>
    public static void RequireSubdomain(string? value, string parameter, string what)
    {
        if (string.IsNullOrEmpty(value) || !IsSubdomain(value))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{value}' is not a valid {what}: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.", parameter);
        }
    }

    /// <summary>RFC 1123 label: namespaces.</summary>
    public static void RequireLabel(string? value, string parameter, string what)
    {
        if (string.IsNullOrEmpty(value) || !IsLabel(value))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{value}' is not a valid {what}: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit.", parameter);
        }
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
