using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Policy;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Assigns the Baseline or Restricted pod security initiative at a cluster's scope (turning the Azure Policy add-on on
/// first when it is off), updates that assignment on re-runs, or removes it with -Remove. Parameters are checked against
/// the initiative's own definition before anything is sent.
/// </summary>
[Cmdlet(VerbsCommon.Set, "AksPolicyInitiative", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class SetAksPolicyInitiativeCommand : ChangeClusterCmdlet
{
    [Parameter(Mandatory = true)]
    [ValidateSet(PodSecurityInitiative.BaselineName, PodSecurityInitiative.RestrictedName)]
    public string Initiative { get; set; } = "";

    [Parameter]
    [ArgumentCompleter(typeof(PolicyEffectCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Effect { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string[]? ExcludedNamespace { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string[]? Namespace { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(CapabilityCompleter))]
    public string[]? AllowedCapability { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    [ArgumentCompleter(typeof(CapabilityCompleter))]
    public string[]? RequiredDropCapability { get; set; }

    [Parameter]
    public SwitchParameter Remove { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    internal override IClusterChange CreateChange() => new PolicyInitiativeChange(new PolicyInitiativeRequest
    {
        Initiative = Initiative,
        Effect = Effect,
        ExcludedNamespaces = ExcludedNamespace,
        Namespaces = Namespace,
        AllowedCapabilities = AllowedCapability,
        RequiredDropCapabilities = RequiredDropCapability,
        Remove = Remove,
        Force = Force,
    });
}
