using System.Globalization;
using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Turns on the Azure Key Vault provider for the Secrets Store CSI driver (add-on azureKeyvaultSecretsProvider), with
/// secret rotation and its poll interval, or turns it off with -Disable. Impact High because -Disable takes mounted
/// secrets away from pods.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "AksKeyVaultCsi", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class EnableAksKeyVaultCsiCommand : ChangeClusterCmdlet
{
    private KeyVaultCsiChange? _change;

    /// <summary>-EnableSecretRotation turns rotation on; -EnableSecretRotation:$false turns it off; absent leaves it.</summary>
    [Parameter]
    public SwitchParameter EnableSecretRotation { get; set; }

    /// <summary>A duration such as 2m, 90s or 1h, or a TimeSpan.</summary>
    [Parameter]
    [DurationText]
    [ValidateNotNull]
    public string? RotationPollInterval { get; set; }

    [Parameter]
    public SwitchParameter Disable { get; set; }

    internal override string? ConfirmationWarning => _change?.TurnsAddonOff == true
        ? "Pods that mount Key Vault secrets through the Secrets Store CSI driver cannot start or restart while the add-on is off."
        : null;

    internal override IClusterChange CreateChange()
    {
        _change = new KeyVaultCsiChange(new KeyVaultCsiRequest
        {
            Disable = Disable,
            EnableSecretRotation = MyInvocation.BoundParameters.ContainsKey(nameof(EnableSecretRotation)) ? EnableSecretRotation.ToBool() : null,
            RotationPollInterval = RotationPollInterval,
        });
        return _change;
    }
}

/// <summary>Lets a duration parameter take a [TimeSpan] as well as text: the TimeSpan goes to the engine in invariant form ("00:02:00").</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class DurationTextAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) switch
        {
            TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
            _ => inputData,
        };
}
