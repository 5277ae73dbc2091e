namespace AksSecurity.Engine.Azure;

/// <summary>An Azure cloud: where ARM is, which audience its tokens are for, and where to sign in.</summary>
public sealed record ArmEnvironment(string Name, Uri ResourceManager, string Audience, Uri AuthorityHost)
{
    public static readonly ArmEnvironment AzureCloud = new("AzureCloud",
        new Uri("https://management.azure.com/"), "https://management.core.windows.net/", new Uri("https://login.microsoftonline.com/"));

    public static readonly ArmEnvironment AzureUSGovernment = new("AzureUSGovernment",
        new Uri("https://management.usgovcloudapi.net/"), "https://management.core.usgovcloudapi.net/", new Uri("https://login.microsoftonline.us/"));

    public static readonly ArmEnvironment AzureChinaCloud = new("AzureChinaCloud",
        new Uri("https://management.chinacloudapi.cn/"), "https://management.core.chinacloudapi.cn/", new Uri("https://login.chinacloudapi.cn/"));

    public static IReadOnlyList<ArmEnvironment> KnownClouds { get; } = new[] { AzureCloud, AzureUSGovernment, AzureChinaCloud };

    /// <summary>The scope a token for this ARM must carry.</summary>
    public string Scope => Audience.TrimEnd('/') + "/.default";

    public static ArmEnvironment FromName(string name) =>
        KnownClouds.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AksSecurityException(AksErrorKind.InvalidArgument,
            $"Unknown environment '{name}'. Use one of {string.Join(", ", KnownClouds.Select(c => c.Name))}, or -ArmEndpoint for a custom cloud.", name);

    /// <summary>Validates a custom ARM endpoint (Azure Stack Hub, a test server): absolute and HTTPS, always.</summary>
    public static Uri ValidateEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"ARM endpoint '{endpoint}' must be an absolute https:// URL.", endpoint);
        }

        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
