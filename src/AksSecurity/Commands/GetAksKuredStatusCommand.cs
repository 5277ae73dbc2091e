using System.Management.Automation;
using AksSecurity.Engine.Tools.Kured;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Shows Kured's state on a cluster: the DaemonSet's rollout, the schedule, the reboot lock holder(s), the nodes kured
/// marked as waiting for or in a reboot, and the last reboots. Reads only.
/// </summary>
[Cmdlet(VerbsCommon.Get, "AksKuredStatus", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KuredStatus))]
public sealed class GetAksKuredStatusCommand : KubernetesCmdlet
{
    protected override void ProcessRecord() => ForItem(KubernetesTargetText, () =>
    {
        var target = KubernetesTarget();
        var status = Run((sink, token) => KuredStatusReader.ReadAsync(target, sink, token));
        if (!status.Installed)
        {
            WriteWarning($"Kured is not installed on '{status.Cluster}': there is no DaemonSet {status.Namespace}/{status.DaemonSetName}. Install it with Install-AksKured.");
        }

        WriteObject(status);
    });
}
