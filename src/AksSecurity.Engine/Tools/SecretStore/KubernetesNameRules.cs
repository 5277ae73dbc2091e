using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>The Kubernetes name rules our parameters must meet before anything is sent (apimachinery validation.go).</summary>
internal static partial class KubernetesNameRules
{
    /// <summary>RFC 1123 subdomain: object names such as a SecretProviderClass or a Secret.</summary>
    public static void RequireSubdomain(string? value, string parameter, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 253 || !Subdomain().IsMatch(value))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"'{value}' is not a valid {what}: use at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit.", parameter);
        }
    }

    /// <summary>RFC 1123 label: namespaces.</summary>
    public static void RequireLabel(string? value, string parameter, string what)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63 || !Label().IsMatch(value))
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
