using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Changes API server access: authorized IP ranges (replace, add, remove, clear), run command, and the public FQDN of a
/// private cluster. Validates everything before sending, refuses to lock the caller out, and sends nothing when the
/// cluster is already as asked.
/// </summary>
[Cmdlet(VerbsCommon.Set, "AksApiAccess", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class SetAksApiAccessCommand : ChangeClusterCmdlet
{
    /// <summary>Replace the authorized ranges with exactly these CIDRs.</summary>
    [Parameter]
    [AllowEmptyCollection]
    [Alias("AuthorizedIpRanges")]
    public string[]? AuthorizedIpRange { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Add { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Remove { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter ClearAuthorizedIpRange { get; set; }

    [Parameter]
    public SwitchParameter DisableRunCommand { get; set; }

    [Parameter]
    public SwitchParameter EnableRunCommand { get; set; }

    [Parameter]
    public SwitchParameter EnablePublicFqdn { get; set; }

    [Parameter]
    public SwitchParameter DisablePublicFqdn { get; set; }

    /// <summary>Your public egress address, checked against the new ranges so you do not lock yourself out.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CallerIpAddress { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Where automation can state its egress address once instead of on every call.</summary>
    public const string CallerIpVariable = "AKSSECURITY_CALLER_IP";

    internal override IClusterChange CreateChange()
    {
        if (DisableRunCommand && EnableRunCommand || EnablePublicFqdn && DisablePublicFqdn)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "Enable and Disable of the same setting cannot be combined.", "EnableRunCommand");
        }

        var request = new ApiServerAccessRequest
        {
            AuthorizedIpRanges = AuthorizedIpRange,
            AddRanges = Add,
            RemoveRanges = Remove,
            ClearAuthorizedIpRanges = ClearAuthorizedIpRange,
            DisableRunCommand = DisableRunCommand ? true : EnableRunCommand ? false : null,
            EnablePrivateClusterPublicFqdn = EnablePublicFqdn ? true : DisablePublicFqdn ? false : null,
            CallerIpAddress = CallerIpAddress ?? Environment.GetEnvironmentVariable(CallerIpVariable),
            Force = Force,
        };

        if (!request.ChangesRanges && request.DisableRunCommand is null && request.EnablePrivateClusterPublicFqdn is null)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "Nothing to change: give -AuthorizedIpRange, -Add, -Remove, -ClearAuthorizedIpRange, -DisableRunCommand/-EnableRunCommand or -EnablePublicFqdn/-DisablePublicFqdn.");
        }

        return new ApiServerAccessChange(request);
    }
}
