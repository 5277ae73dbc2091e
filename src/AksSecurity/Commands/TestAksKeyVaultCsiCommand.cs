using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reports the Key Vault secrets provider add-on: off, secret rotation off, poll interval above a threshold.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksKeyVaultCsi", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksKeyVaultCsiCommand : TestClusterCmdlet
{
    private KeyVaultCsiCheckOptions _options = new();

    /// <summary>Poll intervals longer than this are reported: a duration such as 1h or 30m, or a TimeSpan.</summary>
    [Parameter]
    [DurationText]
    [ValidateNotNullOrEmpty]
    public string MaximumRotationInterval { get; set; } = "1h";

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (!GoDuration.TryParse(MaximumRotationInterval, out var maximum, out var error) || maximum <= TimeSpan.Zero)
        {
            Fail(new AksSecurityException(AksErrorKind.InvalidArgument,
                error.Length > 0 ? error : $"The maximum rotation interval must be positive; '{MaximumRotationInterval}' is not.", "MaximumRotationInterval"));
        }

        _options = new KeyVaultCsiCheckOptions { MaximumRotationInterval = maximum };
    }

    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) => KeyVaultCsiChecks.Evaluate(evidence, _options);
}
