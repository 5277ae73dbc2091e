using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reports how the API server is exposed: authorized IP ranges, private cluster, public FQDN, run command, VNet integration.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksApiAccess", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksApiAccessCommand : TestClusterCmdlet
{
    /// <summary>Authorized ranges with a shorter prefix than this are reported as too wide.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int MinimumPrefixLength { get; set; } = new ApiAccessCheckOptions().MinimumPrefixLength;

    internal override ClusterTestResult Evaluate(ClusterEvidence evidence) =>
        ApiAccessChecks.Evaluate(evidence, new ApiAccessCheckOptions { MinimumPrefixLength = MinimumPrefixLength });
}
