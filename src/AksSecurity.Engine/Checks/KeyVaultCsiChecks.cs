using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Checks;

/// <summary>Settings of the Key Vault secrets provider checks.</summary>
public sealed class KeyVaultCsiCheckOptions
{
    /// <summary>
    /// Poll intervals longer than this are reported. One hour: a secret rotated in Key Vault (after a leak, say) still
    /// reaches every pod within the hour, while Key Vault sees a thirtieth of the calls of the 2-minute default.
    /// </summary>
    public TimeSpan MaximumRotationInterval { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Checks of the azureKeyvaultSecretsProvider add-on: on, rotating secrets, and polling often enough. Read from the
/// cluster document only. (SecretProviderClass objects in the cluster are the Kubernetes checks' business.)
/// </summary>
public static class KeyVaultCsiChecks
{
    public const string AddonOff = "AKS-KV-001";
    public const string RotationOff = "AKS-KV-002";
    public const string IntervalTooLong = "AKS-KV-003";

    public static ClusterTestResult Evaluate(ManagedClusterDocument document, KeyVaultCsiCheckOptions? options = null) =>
        Evaluate(new ClusterEvidence(document, online: false), options);

    public static ClusterTestResult Evaluate(ClusterEvidence evidence, KeyVaultCsiCheckOptions? options = null)
    {
        options ??= new KeyVaultCsiCheckOptions();
        if (options.MaximumRotationInterval <= TimeSpan.Zero)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The maximum rotation interval must be positive; {options.MaximumRotationInterval} is not.", "MaximumRotationInterval");
        }

        var run = new CheckRun(evidence);
        var view = run.View;
        var enable = $"Enable-AksKeyVaultCsi -Id '{view.Id}'";
        var addon = view.KeyVaultSecretsProviderPath;

        run.Ran(AddonOff);
        if (!view.KeyVaultSecretsProviderEnabled)
        {
            run.Fail(AddonOff, Severity.Medium, "Key Vault secrets provider add-on is off",
                $"{addon}.enabled is not true: workloads cannot mount Key Vault secrets through the Secrets Store CSI driver, so secrets tend to live in Kubernetes Secrets, manifests or pipelines instead.",
                $"{enable} -EnableSecretRotation", $"{addon}.enabled");
            return run.Result();
        }

        var rotationPath = view.KeyVaultSecretsProviderConfigPath(ManagedClusterView.SecretRotationConfigKey);
        run.Ran(RotationOff);
        if (view.SecretRotationEnabled != true)
        {
            run.Fail(RotationOff, Severity.Medium, "Secret rotation is off",
                $"{rotationPath} is {Shown(view.SecretRotationEnabled, JsonPaths.GetString(evidence.Cluster.Root, rotationPath))}: a secret changed in Key Vault reaches pods only when they restart.",
                $"{enable} -EnableSecretRotation", rotationPath);
            return run.Result();
        }

        var intervalPath = view.KeyVaultSecretsProviderConfigPath(ManagedClusterView.RotationPollIntervalConfigKey);
        var text = view.RotationPollInterval;
        run.Ran(IntervalTooLong);
        var limit = GoDuration.Format(WholeSeconds(options.MaximumRotationInterval));
        if (text is null)
        {
            // Absent: the driver polls every 2 minutes.
            return run.Result();
        }

        if (!GoDuration.TryParse(text, out var interval, out _) || interval <= TimeSpan.Zero)
        {
            run.Fail(IntervalTooLong, Severity.Low, "Rotation poll interval is not a valid duration",
                $"{intervalPath} is \"{text}\", which is not a positive duration such as 2m: the driver cannot use it as written.",
                $"{enable} -RotationPollInterval 2m", intervalPath);
        }
        else if (interval > options.MaximumRotationInterval)
        {
            run.Fail(IntervalTooLong, Severity.Low, $"Rotation poll interval is longer than {limit}",
                $"{intervalPath} is \"{text}\" ({GoDuration.Describe(interval)}): a secret rotated in Key Vault can take that long to reach pods.",
                $"{enable} -RotationPollInterval 2m", intervalPath);
        }

        return run.Result();
    }

    private static string Shown(bool? value, string? text) => value switch
    {
        false => "\"false\"",
        null when text is not null => $"\"{text}\", which is not true or false",
        _ => "absent (off)",
    };

    private static TimeSpan WholeSeconds(TimeSpan value) => TimeSpan.FromSeconds(Math.Ceiling(value.TotalSeconds));
}
