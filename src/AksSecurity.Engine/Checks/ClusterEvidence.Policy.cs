using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Policy;

namespace AksSecurity.Engine.Checks;

public sealed partial class ClusterEvidence
{
    /// <summary>Policy assignments that apply to the cluster (its scope and every ancestor); null when not read (offline).</summary>
    public IReadOnlyList<PolicyAssignment>? PolicyAssignments { get; set; }
}

/// <summary>Reads the policy assignments that apply to the cluster, with one list call ($filter=atScope()).</summary>
public sealed class PolicyAssignmentReader : IEvidenceReader
{
    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken) =>
        evidence.PolicyAssignments = await PolicyAssignment.ListApplyingToAsync(arm, evidence.View.Id, sink, cancellationToken).ConfigureAwait(false);
}
