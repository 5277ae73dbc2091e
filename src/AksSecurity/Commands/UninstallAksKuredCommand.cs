using System.Management.Automation;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tools.Kured;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Removes Kured as Install-AksKured installed it: every object that carries AksSecurity's Kured component label, and
/// nothing else (a kured installed by other means is left alone).
/// </summary>
[Cmdlet(VerbsLifecycle.Uninstall, "AksKured", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KubernetesObjectChange))]
public sealed class UninstallAksKuredCommand : KubernetesChangeCmdlet
{
    internal override IKubernetesInstallation CreateInstallation() => new KuredRemoval();
}
