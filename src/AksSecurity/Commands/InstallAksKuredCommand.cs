using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Security;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tools.Kured;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Installs or updates Kured 1.23.0 (the Kubernetes reboot daemon) with server-side apply: RBAC, ServiceAccount,
/// DaemonSet and, for -NotifyUrl, a Secret. Every setting is validated before anything is sent; a re-run with the same
/// parameters sends nothing, and a changed parameter changes only its own field.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "AksKured", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KubernetesObjectChange))]
public sealed class InstallAksKuredCommand : KubernetesChangeCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RebootDays { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? StartTime { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndTime { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Period { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DrainTimeout { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LockTtl { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? BlockingPodSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LockAnnotation { get; set; }

    [Parameter]
    public int? Concurrency { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PrometheusUrl { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AlertFilterRegexp { get; set; }

    [Parameter]
    public SwitchParameter AlertFiringOnly { get; set; }

    [Parameter]
    [ValidateNotNull]
    public SecureString? NotifyUrl { get; set; }

    [Parameter]
    [ValidateNotNull]
    public Hashtable? NodeSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public Hashtable[]? Toleration { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageRegistry { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    internal override IKubernetesInstallation CreateInstallation()
    {
        var settings = new KuredSettings(new KuredRequest
        {
            RebootDays = RebootDays,
            StartTime = StartTime,
            EndTime = EndTime,
            TimeZone = TimeZone,
            Period = Period,
            DrainTimeout = DrainTimeout,
            LockTtl = LockTtl,
            BlockingPodSelectors = BlockingPodSelector,
            LockAnnotation = LockAnnotation,
            Concurrency = Concurrency,
            PrometheusUrl = PrometheusUrl,
            AlertFilterRegexp = AlertFilterRegexp,
            AlertFiringOnly = AlertFiringOnly,
            NotifyUrl = NotifyUrl,
            NodeSelector = NodeSelector?.Cast<DictionaryEntry>().ToDictionary(e => Text(e.Key) ?? "", e => Text(e.Value) ?? ""),
            Tolerations = Toleration?.Select(t => (IReadOnlyDictionary<string, string?>)t.Cast<DictionaryEntry>().ToDictionary(e => Text(e.Key) ?? "", e => Text(e.Value))).ToArray(),
            ImageRegistry = ImageRegistry,
            Image = Image,
        });
        return new KuredInstallation(settings, Force);
    }

    private static string? Text(object? value) => value is null ? null : (string)LanguagePrimitives.ConvertTo(value is PSObject ps ? ps.BaseObject : value, typeof(string), CultureInfo.InvariantCulture);
}
