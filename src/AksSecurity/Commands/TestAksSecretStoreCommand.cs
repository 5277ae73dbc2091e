using System.Management.Automation;
using AksSecurity.Engine.Tools.SecretStore;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Checks the Secrets Store CSI driver inside a cluster: the add-on's DaemonSets and every SecretProviderClass (AKS-SSC-001..008).</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksSecretStore", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksSecretStoreCommand : KubernetesCmdlet
{
    protected override void ProcessRecord() => ForItem(KubernetesTargetText, () =>
    {
        var target = KubernetesTarget();
        var source = KubernetesTargetText;
        WriteObject(Run((sink, token) => SecretStoreInspector.TestAsync(target, source, sink, token)));
    });
}
