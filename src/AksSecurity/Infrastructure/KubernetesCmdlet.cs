using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of the cmdlets that work inside a cluster: the cluster as the ARM cmdlets take it (-ResourceGroupName/-Name, -Id,
/// Get-AksCluster pipeline; -Admin for the admin credential) or a kubeconfig file and context (-KubeConfig, -Context).
/// </summary>
public abstract class KubernetesCmdlet : ClusterTargetCmdlet
{
    protected const string ByKubeConfigSet = "ByKubeConfig";

    /// <summary>A kubeconfig file; its current-context unless -Context names another.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByKubeConfigSet)]
    [ValidateNotNullOrEmpty]
    public string KubeConfig { get; set; } = "";

    [Parameter(ParameterSetName = ByKubeConfigSet)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>Use the cluster's admin credential (listClusterAdminCredential) instead of the user credential.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByInputObjectSet)]
    public SwitchParameter Admin { get; set; }

    /// <summary>The cluster this pipeline item names, for the engine. Call on the pipeline thread; bad input throws InvalidArgument.</summary>
    internal KubernetesTarget KubernetesTarget()
    {
        if (ParameterSetName == ByKubeConfigSet)
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(KubeConfig);
            var target = Engine.Kubernetes.KubernetesTarget.FromKubeConfig(path, Context);
            // An Entra ID user of the kubeconfig is signed in with the session's own credential, so that one needs a connection.
            return target.NeedsAzureCredential ? target.WithConnection(Connection) : target;
        }

        return Engine.Kubernetes.KubernetesTarget.FromCluster(Connection, TargetId(), Admin);
    }

    /// <summary>What error records name as their target.</summary>
    internal string KubernetesTargetText => ParameterSetName == ByKubeConfigSet
        ? $"{KubeConfig}{(Context is null ? "" : $" (context {Context})")}"
        : TargetText;
}
