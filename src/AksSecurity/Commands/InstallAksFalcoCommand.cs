using System.Management.Automation;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tools.Falco;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Installs Falco (modern eBPF, JSON output) with optional custom rules; re-runs change nothing.</summary>
[Cmdlet(VerbsLifecycle.Install, "AksFalco", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KubernetesObjectChange))]
public sealed class InstallAksFalcoCommand : KubernetesChangeCmdlet
{
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = FalcoManifests.DefaultNamespace;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RulesPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ImageRegistry { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    internal override IKubernetesInstallation CreateInstallation() =>
        new FalcoInstallation(Namespace, ImageRegistry, Image, RulesPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(RulesPath));
}

/// <summary>Removes every object Install-AksFalco created, and nothing else.</summary>
[Cmdlet(VerbsLifecycle.Uninstall, "AksFalco", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KubernetesObjectChange))]
public sealed class UninstallAksFalcoCommand : KubernetesChangeCmdlet
{
    internal override IKubernetesInstallation CreateInstallation() => new FalcoRemoval();
}
