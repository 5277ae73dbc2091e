using System.Security;

namespace AksSecurity;

/// <summary>
/// A cluster's kubeconfig as Get-AksKubeConfig returns it. The kubeconfig carries credentials (a token or a client key), so
/// its text is held in <see cref="Content"/> as a SecureString and never shown: neither the default view nor ToString()
/// reveal it. Read it deliberately with <c>$kc.Content | ConvertFrom-SecureString -AsPlainText</c>, or write a file with -Path.
/// </summary>
public sealed class AksKubeConfig
{
    public required string Cluster { get; init; }
    public string? ClusterId { get; init; }
    public required string Context { get; init; }
    public string? Server { get; init; }

    /// <summary>How the kubeconfig's user signs in: Token, ClientCertificate, Entra (kubelogin), Exec, Basic or None.</summary>
    public string Authentication { get; init; } = "None";

    public bool Admin { get; init; }

    /// <summary>The file written with -Path, or null.</summary>
    public string? Path { get; init; }

    public required SecureString Content { get; init; }

    public override string ToString() => $"kubeconfig of '{Cluster}' (context '{Context}'; {Authentication}; content hidden)";
}
