using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Checks;

/// <summary>Settings of the API server access checks.</summary>
public sealed class ApiAccessCheckOptions
{
    /// <summary>
    /// Authorized ranges with a shorter prefix than this are reported as too wide. 24 keeps a range to at most 256
    /// addresses — an office or NAT egress block — while 0.0.0.0/0 style ranges are reported separately as Critical.
    /// </summary>
    public int MinimumPrefixLength { get; init; } = 24;
}

/// <summary>
/// Checks of API server exposure. Private clusters (and clusters with public network access disabled) have no public
/// endpoint, so the authorized-range checks do not apply to them — a mistake other scanners made.
/// </summary>
public static class ApiAccessChecks
{
    public const string NoAuthorizedRanges = "AKS-API-001";
    public const string OpenToInternet = "AKS-API-002";
    public const string RangeTooWide = "AKS-API-003";
    public const string PrivateClusterPublicFqdn = "AKS-API-004";
    public const string RunCommandEnabled = "AKS-API-005";
    public const string NoVnetIntegration = "AKS-API-006";
    public const string PublicEndpoint = "AKS-API-007";

    public static ClusterTestResult Evaluate(ManagedClusterDocument document, ApiAccessCheckOptions? options = null) =>
        Evaluate(new ClusterEvidence(document, online: false), options);

    public static ClusterTestResult Evaluate(ClusterEvidence evidence, ApiAccessCheckOptions? options = null)
    {
        options ??= new ApiAccessCheckOptions();
        if (options.MinimumPrefixLength is < 0 or > 32)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Minimum prefix length {options.MinimumPrefixLength} must be from 0 to 32.", "MinimumPrefixLength");
        }

        var run = new CheckRun(evidence);
        var view = run.View;
        const string rangesPath = ManagedClusterView.AuthorizedIpRangesPath;
        var setRanges = $"Set-AksApiAccess -Id '{view.Id}' -AuthorizedIpRange <your egress CIDRs> -CallerIpAddress <your address>";
        if (view.HasPublicApiServer)
        {
            run.Ran(NoAuthorizedRanges, OpenToInternet, RangeTooWide);
            var ranges = view.AuthorizedIpRanges;
            if (ranges.Count == 0)
            {
                run.Fail(NoAuthorizedRanges, Severity.High, "API server is reachable from any address",
                    $"{rangesPath} is not set and the cluster is not private.", setRanges, rangesPath);
            }

            foreach (var text in ranges)
            {
                if (!IpRange.TryParse(text, out var range, out var error))
                {
                    run.Fail(RangeTooWide, Severity.Medium, "Authorized IP range is not a valid IPv4 CIDR",
                        $"{rangesPath} contains '{text}': {error}", setRanges, rangesPath);
                }
                else if (range.PrefixLength == 0)
                {
                    run.Fail(OpenToInternet, Severity.Critical, "Authorized IP ranges allow the whole internet",
                        $"{rangesPath} contains {text}.", $"Set-AksApiAccess -Id '{view.Id}' -Remove '{text}'", rangesPath);
                }
                else if (range.PrefixLength < options.MinimumPrefixLength && range != IpRange.NodesOnly)
                {
                    run.Fail(RangeTooWide, Severity.Medium, $"Authorized IP range is wider than /{options.MinimumPrefixLength}",
                        $"{rangesPath} contains {text} ({Math.Pow(2, 32 - range.PrefixLength):N0} addresses).",
                        $"Replace it with the narrower egress ranges you use: Set-AksApiAccess -Id '{view.Id}' -Remove '{text}' -Add <narrower CIDRs>", rangesPath);
                }
            }
        }
        else
        {
            run.Ran(PrivateClusterPublicFqdn);
            if (view.IsPrivateCluster && view.PrivateClusterPublicFqdn)
            {
                run.Fail(PrivateClusterPublicFqdn, Severity.Low, "Private cluster publishes its API server name in public DNS",
                    $"{ManagedClusterView.EnablePrivateClusterPublicFqdnPath} is true: the private address is resolvable from the internet.",
                    $"Set-AksApiAccess -Id '{view.Id}' -DisablePublicFqdn (then resolve the name through the private DNS zone)", ManagedClusterView.EnablePrivateClusterPublicFqdnPath);
            }
        }

        run.Ran(RunCommandEnabled);
        if (!view.RunCommandDisabled)
        {
            run.Fail(RunCommandEnabled, Severity.Medium, "Run command is enabled",
                $"{ManagedClusterView.DisableRunCommandPath} is not true: anyone with the Azure action managedClusters/runCommand can run kubectl in the cluster, bypassing network restrictions on the API server.",
                $"Set-AksApiAccess -Id '{view.Id}' -DisableRunCommand", ManagedClusterView.DisableRunCommandPath);
        }

        run.Ran(NoVnetIntegration);
        if (!view.VnetIntegration)
        {
            run.Fail(NoVnetIntegration, Severity.Low, "API server VNet integration is off",
                $"{ManagedClusterView.EnableVnetIntegrationPath} is not true: nodes reach the API server through a tunnel or private endpoint instead of the cluster's own VNet.",
                "Enable API Server VNet Integration (az aks update --enable-apiserver-vnet-integration); it cannot be set through this module yet.", ManagedClusterView.EnableVnetIntegrationPath);
        }

        // CIS AKS 5.4.2: private endpoint on, public access off. Authorized ranges (001-003) narrow a public endpoint; this says there is one.
        run.Ran(PublicEndpoint);
        if (view.HasPublicApiServer)
        {
            run.Fail(PublicEndpoint, Severity.Low, "API server has a public endpoint",
                $"{ManagedClusterView.EnablePrivateClusterPath} is not true and {ManagedClusterView.PublicNetworkAccessPath} is {(view.PublicNetworkAccess is null ? "not set (Enabled)" : $"\"{view.PublicNetworkAccess}\"")}: the API server answers on a public address, guarded only by its authorized IP ranges.",
                view.VnetIntegration
                    ? $"With API Server VNet Integration, public access can be removed after provisioning (see https://learn.microsoft.com/azure/aks/api-server-vnet-integration); until then keep the authorized ranges narrow: {setRanges}"
                    : $"A private cluster is chosen at creation (or, with API Server VNet Integration, public access can be removed later: https://learn.microsoft.com/azure/aks/api-server-vnet-integration); until then keep the authorized ranges narrow: {setRanges}",
                ManagedClusterView.EnablePrivateClusterPath);
        }

        return run.Result();
    }
}
