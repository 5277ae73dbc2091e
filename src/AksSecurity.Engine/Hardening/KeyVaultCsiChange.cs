using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>What Enable-AksKeyVaultCsi was asked to do. Null members mean "leave as is".</summary>
public sealed class KeyVaultCsiRequest
{
    /// <summary>Turn the add-on off instead of on.</summary>
    public bool Disable { get; init; }

    public bool? EnableSecretRotation { get; init; }

    /// <summary>A duration as the driver reads it ("2m", "90s", "1h") or a TimeSpan in invariant form ("00:02:00").</summary>
    public string? RotationPollInterval { get; init; }
}

/// <summary>
/// The azureKeyvaultSecretsProvider add-on (Azure Key Vault provider for the Secrets Store CSI driver): on or off,
/// secret rotation and its poll interval. Shape from ManagedClustersCreate_AzureKeyvaultSecretsProvider.json
/// (2026-08-01): addonProfiles.azureKeyvaultSecretsProvider {enabled, config {enableSecretRotation: "true",
/// rotationPollInterval: "2m"}}; config values are strings.
/// </summary>
public sealed class KeyVaultCsiChange : IClusterChange
{
    /// <summary>Below this, every pod that mounts secrets calls Key Vault for each of them several times a minute, which large clusters turn into Key Vault throttling.</summary>
    public static readonly TimeSpan MinimumPollInterval = TimeSpan.FromSeconds(10);

    /// <summary>Above a day rotation is rotation in name only; turn it off with -EnableSecretRotation:$false instead.</summary>
    public static readonly TimeSpan MaximumPollInterval = TimeSpan.FromHours(24);

    /// <summary>The driver's poll interval when none is configured, and what az aks enable-addons writes.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMinutes(2);

    private readonly KeyVaultCsiRequest _request;
    private readonly TimeSpan? _interval;

    /// <summary>Validates everything that can be checked without the cluster; throws InvalidArgument before anything is sent.</summary>
    public KeyVaultCsiChange(KeyVaultCsiRequest request)
    {
        _request = request;
        if (request.Disable && (request.EnableSecretRotation is not null || request.RotationPollInterval is not null))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                "-Disable turns the add-on off; it cannot be combined with -EnableSecretRotation or -RotationPollInterval.", "Disable");
        }

        if (request.RotationPollInterval is { } text)
        {
            _interval = ParseInterval(text, "RotationPollInterval");
        }
    }

    public string Action => _request.Disable ? "Disable the Key Vault secrets provider add-on" : "Enable the Key Vault secrets provider add-on";

    /// <summary>True when the latest plan turns the add-on off (the cmdlet's confirmation prompt says what that costs).</summary>
    public bool TurnsAddonOff { get; private set; }

    /// <summary>
    /// Reads a poll interval and checks it lies between <see cref="MinimumPollInterval"/> and <see cref="MaximumPollInterval"/>
    /// in whole seconds; throws InvalidArgument naming <paramref name="parameter"/> otherwise.
    /// </summary>
    public static TimeSpan ParseInterval(string text, string parameter)
    {
        if (!GoDuration.TryParse(text, out var interval, out var error))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, error, parameter);
        }

        if (interval <= TimeSpan.Zero)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The rotation poll interval must be positive; '{text}' is not. To stop rotation, use -EnableSecretRotation:$false.", parameter);
        }

        if (interval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"The rotation poll interval must be a whole number of seconds; '{text}' is not.", parameter);
        }

        if (interval < MinimumPollInterval || interval > MaximumPollInterval)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The rotation poll interval '{text}' ({GoDuration.Describe(interval)}) is outside {GoDuration.Format(MinimumPollInterval)} to {GoDuration.Format(MaximumPollInterval)}: " +
                (interval < MinimumPollInterval
                    ? "every pod that mounts secrets would call Key Vault for each of them that often, which gets Key Vault throttled."
                    : "a rotated secret would take more than a day to reach pods. To stop rotation, use -EnableSecretRotation:$false."),
                parameter);
        }

        return interval;
    }

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();
        var addon = view.KeyVaultSecretsProviderPath;
        TurnsAddonOff = false;

        if (_request.Disable)
        {
            // An absent add-on is off already: nothing to write.
            if (view.KeyVaultSecretsProviderEnabled)
            {
                plan.Set(current.Root, $"{addon}.enabled", JsonValue.Create(false));
                plan.Warnings.Add($"Turning the Key Vault secrets provider off on '{view.Name}' removes the Secrets Store CSI driver: pods that mount secrets through it (SecretProviderClass volumes) cannot start or restart until it is back, and Kubernetes secrets it syncs are no longer updated.");
                TurnsAddonOff = true;
            }

            return plan;
        }

        var turningOn = !view.KeyVaultSecretsProviderEnabled;
        plan.Set(current.Root, $"{addon}.enabled", JsonValue.Create(true));

        var rotationPath = view.KeyVaultSecretsProviderConfigPath(ManagedClusterView.SecretRotationConfigKey);
        var intervalPath = view.KeyVaultSecretsProviderConfigPath(ManagedClusterView.RotationPollIntervalConfigKey);
        var rotationWritten = JsonPaths.Get(current.Root, rotationPath) is not null;
        var intervalWritten = view.RotationPollInterval is not null;
        var rotation = _request.EnableSecretRotation;
        var interval = _interval;
        if (turningOn)
        {
            // As az aks enable-addons does, a new add-on gets both settings written out: the service's defaults
            // (rotation off, 2m) unless asked otherwise or already there.
            rotation ??= rotationWritten ? null : false;
            interval ??= intervalWritten ? null : DefaultPollInterval;
        }

        // An absent setting is the driver's default (rotation off, 2m), so asking for the default is no change,
        // except on a new add-on where it is written out. An unreadable value is always replaced.
        if (rotation is bool rotate && (rotationWritten ? rotate != view.SecretRotationEnabled : turningOn || rotate))
        {
            plan.Set(current.Root, rotationPath, JsonValue.Create(rotate ? "true" : "false"));
        }

        // Compared as durations: "120s" already is "2m".
        if (interval is TimeSpan wanted
            && (intervalWritten
                ? !(GoDuration.TryParse(view.RotationPollInterval, out var written, out _) && written == wanted)
                : turningOn || wanted != DefaultPollInterval))
        {
            plan.Set(current.Root, intervalPath, JsonValue.Create(GoDuration.Format(wanted)));
        }

        var reported = new Checks.KeyVaultCsiCheckOptions().MaximumRotationInterval;
        if (_interval > reported)
        {
            plan.Warnings.Add($"A poll interval above {GoDuration.Format(reported)} is reported by Test-AksKeyVaultCsi (AKS-KV-003) with its default threshold: rotated secrets take up to {GoDuration.Describe(_interval.Value)} to reach pods.");
        }

        var rotationAfter = rotation ?? view.SecretRotationEnabled ?? false;
        if (_interval is not null && !rotationAfter)
        {
            plan.Warnings.Add($"Secret rotation is off on '{view.Name}': the poll interval takes effect once rotation is on (-EnableSecretRotation).");
        }

        return plan;
    }
}
