using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Checks;

/// <summary>The Secrets Store CSI objects inside the cluster (Test-AksSecretStore reads them through the Kubernetes API).</summary>
public sealed partial class ClusterEvidence
{
    /// <summary>Null when not read (the ARM audit does not reach inside the cluster): the AKS-SSC checks do not run.</summary>
    public SecretStoreEvidence? SecretStore { get; set; }
}
