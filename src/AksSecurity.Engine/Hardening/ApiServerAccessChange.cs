using System.Net;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>What Set-AksApiAccess was asked to do. Null members mean "leave as is".</summary>
public sealed class ApiServerAccessRequest
{
    /// <summary>Replace the authorized ranges with exactly these.</summary>
    public IReadOnlyList<string>? AuthorizedIpRanges { get; init; }
    public IReadOnlyList<string> AddRanges { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> RemoveRanges { get; init; } = Array.Empty<string>();

    /// <summary>Remove every authorized range: the public API server is then open to all addresses.</summary>
    public bool ClearAuthorizedIpRanges { get; init; }
    public bool? DisableRunCommand { get; init; }
    public bool? EnablePrivateClusterPublicFqdn { get; init; }

    /// <summary>The address the caller reaches the API server from, for the lockout guard.</summary>
    public string? CallerIpAddress { get; init; }

    /// <summary>Skip the lockout guard.</summary>
    public bool Force { get; init; }

    public bool ChangesRanges => AuthorizedIpRanges is not null || AddRanges.Count > 0 || RemoveRanges.Count > 0 || ClearAuthorizedIpRanges;
}

/// <summary>API server access (authorized IP ranges, run command, private cluster public FQDN): validate, plan and guard.</summary>
public sealed class ApiServerAccessChange : IClusterChange
{
    /// <summary>The service's limit on authorized IP ranges per cluster.</summary>
    public const int MaxAuthorizedRanges = 200;

    private readonly ApiServerAccessRequest _request;
    private readonly IReadOnlyList<IpRange> _replace;
    private readonly IReadOnlyList<IpRange> _add;
    private readonly IReadOnlyList<IpRange> _remove;
    private readonly IPAddress? _caller;

    /// <summary>Validates everything that can be checked without the cluster; throws InvalidArgument before anything is sent.</summary>
    public ApiServerAccessChange(ApiServerAccessRequest request)
    {
        _request = request;
        if (request.AuthorizedIpRanges is { Count: 0 } && !request.ClearAuthorizedIpRanges)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "An empty authorized IP range list would open the API server to every address. To do that on purpose, use -ClearAuthorizedIpRange.",
                "AuthorizedIpRange");
        }

        if (request.ClearAuthorizedIpRanges && (request.AuthorizedIpRanges is { Count: > 0 } || request.AddRanges.Count > 0))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "-ClearAuthorizedIpRange cannot be combined with ranges to set or add.", "ClearAuthorizedIpRange");
        }

        _replace = ParseAll(request.AuthorizedIpRanges ?? Array.Empty<string>(), "AuthorizedIpRange");
        _add = ParseAll(request.AddRanges, "Add");
        _remove = ParseAll(request.RemoveRanges, "Remove");

        if (request.CallerIpAddress is { Length: > 0 } callerText)
        {
            if (!IpRange.TryParseAddress(callerText, out var caller))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Caller IP address '{callerText}' is not an IP address.", "CallerIpAddress");
            }

            _caller = caller;
        }
    }

    public string Action => "Set API server access";

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();

        if (_request.ChangesRanges)
        {
            PlanRanges(current, plan);
        }

        // An absent disableRunCommand means run command is on: enabling it there is no change.
        if (_request.DisableRunCommand is bool disableRunCommand && disableRunCommand != view.RunCommandDisabled)
        {
            plan.Set(current.Root, ManagedClusterView.DisableRunCommandPath, JsonValue.Create(disableRunCommand));
        }

        if (_request.EnablePrivateClusterPublicFqdn is bool publicFqdn)
        {
            if (!view.IsPrivateCluster)
            {
                throw new AksSecurityException(AksErrorKind.NotSupported,
                    $"Cluster '{view.Name}' is not a private cluster: a public FQDN for the private API server applies to private clusters only.", view.Id);
            }

            plan.Set(current.Root, ManagedClusterView.EnablePrivateClusterPublicFqdnPath, JsonValue.Create(publicFqdn));
        }

        return plan;
    }

    private void PlanRanges(ManagedClusterDocument current, ChangePlan plan)
    {
        var view = current.View;
        if (!view.HasPublicApiServer)
        {
            throw new AksSecurityException(AksErrorKind.NotSupported,
                view.IsPrivateCluster
                    ? $"Cluster '{view.Name}' is a private cluster: its API server has no public endpoint, so authorized IP ranges do not apply."
                    : $"Cluster '{view.Name}' has public network access disabled: its API server has no public endpoint, so authorized IP ranges do not apply.",
                view.Id);
        }

        // Compare in normal form (a bare address is a /32), so re-running with the same ranges is no change.
        var existing = view.AuthorizedIpRanges.Select(r => IpRange.TryParse(r, out var parsed, out _) ? parsed.ToString() : r).ToList();
        var target = new List<string>();
        if (!_request.ClearAuthorizedIpRanges)
        {
            target.AddRange(_request.AuthorizedIpRanges is null ? existing : _replace.Select(r => r.ToString()));
            foreach (var range in _add.Select(r => r.ToString()))
            {
                if (!target.Contains(range))
                {
                    target.Add(range);
                }
            }

            foreach (var range in _remove.Select(r => r.ToString()))
            {
                if (target.Remove(range))
                {
                    continue;
                }

                plan.Warnings.Add($"Range {range} is not among the authorized ranges of '{view.Name}'; nothing to remove.");
            }
        }

        target = target.Distinct().ToList();
        if (target.Count == 0 && existing.Count > 0 && !_request.ClearAuthorizedIpRanges)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"Removing {string.Join(", ", _remove)} leaves '{view.Name}' with no authorized range, which opens its API server to every address. To do that on purpose, use -ClearAuthorizedIpRange.",
                "Remove");
        }

        if (target.ToHashSet().SetEquals(existing))
        {
            return;
        }

        if (target.Count > MaxAuthorizedRanges)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"{target.Count} authorized IP ranges exceed the service's limit of {MaxAuthorizedRanges}. Merge ranges into wider prefixes.", view.Id);
        }

        if (target.Count > 1 && target.Contains(IpRange.NodesOnly.ToString()))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "0.0.0.0/32 (only the cluster's own egress may reach the API server) cannot be combined with other ranges.", view.Id);
        }

        if (target.Contains("0.0.0.0/0"))
        {
            plan.Warnings.Add("0.0.0.0/0 allows every IPv4 address: the API server is not restricted at all.");
        }

        if (target.Count == 0 && existing.Count > 0)
        {
            plan.Warnings.Add($"Removing every authorized range opens the API server of '{view.Name}' to all addresses.");
        }

        GuardAgainstLockout(view, target, plan);
        // An empty list, as az aks update sends it, clears the restriction.
        plan.Set(current.Root, ManagedClusterView.AuthorizedIpRangesPath, new JsonArray(target.Select(r => (JsonNode)r).ToArray()));
    }

    private void GuardAgainstLockout(ManagedClusterView view, IReadOnlyList<string> target, ChangePlan plan)
    {
        if (target.Count == 0 || _request.Force)
        {
            return;
        }

        if (_caller is null)
        {
            plan.Warnings.Add("The caller's address is not known, so the module cannot check that you keep access. Pass -CallerIpAddress (your public egress address) to have it checked.");
            return;
        }

        var ranges = target.Select(t => IpRange.TryParse(t, out var r, out _) ? r : (IpRange?)null).OfType<IpRange>();
        if (!ranges.Any(r => r != IpRange.NodesOnly && r.Contains(_caller)))
        {
            throw new AksSecurityException(AksErrorKind.LockoutRisk,
                $"The new authorized IP ranges of '{view.Name}' ({string.Join(", ", target)}) do not include your address {_caller}: you would lose access to the API server. Add a range that includes it, or use -Force if you reach the cluster another way.",
                view.Id);
        }
    }

    private static IReadOnlyList<IpRange> ParseAll(IReadOnlyList<string> texts, string parameter)
    {
        var ranges = new List<IpRange>();
        var errors = new List<string>();
        foreach (var text in texts)
        {
            if (IpRange.TryParse(text, out var range, out var error))
            {
                ranges.Add(range);
            }
            else
            {
                errors.Add(error);
            }
        }

        if (errors.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, string.Join(" ", errors), parameter);
        }

        return ranges;
    }
}
