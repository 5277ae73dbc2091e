namespace AksSecurity;

/// <summary>The verdict kube-bench gives a check (its PASS, FAIL, WARN and INFO states).</summary>
public enum KubeBenchStatus
{
    /// <summary>The audit ran and the test held.</summary>
    Pass,

    /// <summary>The audit ran and a scored test failed.</summary>
    Fail,

    /// <summary>A manual check, an unscored failure, or an audit that could not run (<see cref="KubeBenchCheckResult.Reason"/> says which).</summary>
    Warn,

    /// <summary>A check kube-bench skipped.</summary>
    Info,
}

/// <summary>One kube-bench check on one node (Invoke-AksKubeBench).</summary>
public sealed class KubeBenchCheckResult
{
    public required string Cluster { get; init; }
    public required string Node { get; init; }

    /// <summary>The benchmark the check belongs to, e.g. "aks-1.8".</summary>
    public required string Benchmark { get; init; }

    /// <summary>The benchmark's number of the check, e.g. "3.2.1".</summary>
    public required string Id { get; init; }

    /// <summary>The group the check is in, e.g. "3.2".</summary>
    public string Section { get; init; } = "";

    /// <summary>The group's title, e.g. "Kubelet".</summary>
    public string SectionDescription { get; init; } = "";

    public required string Description { get; init; }
    public required KubeBenchStatus Status { get; init; }

    /// <summary>True when a failure counts as FAIL; an unscored failure is WARN.</summary>
    public bool Scored { get; init; }

    public string Remediation { get; init; } = "";

    /// <summary>What the audit command printed on the node.</summary>
    public string ActualValue { get; init; } = "";

    /// <summary>What the test expected, in kube-bench's words (e.g. "'--anonymous-auth' is equal to 'false'").</summary>
    public string ExpectedResult { get; init; } = "";

    /// <summary>Why the check is WARN or FAIL when kube-bench says (a manual check, an audit error); empty otherwise.</summary>
    public string Reason { get; init; } = "";

    /// <summary>kube-bench's check type: empty for an automated check, "manual" or "skip".</summary>
    public string Type { get; init; } = "";

    public override string ToString() => $"{Node} {Id} {Status}";
}

/// <summary>The kube-bench totals of one node, or why the node has none (<see cref="Error"/>).</summary>
public sealed class KubeBenchNodeSummary
{
    public required string Cluster { get; init; }
    public required string Node { get; init; }

    /// <summary>The benchmark the node was checked against, e.g. "aks-1.8".</summary>
    public required string Benchmark { get; init; }

    public int Pass { get; init; }
    public int Fail { get; init; }
    public int Warn { get; init; }
    public int Info { get; init; }

    /// <summary>Why the node has no results (its Job failed or timed out, its log was not kube-bench JSON); null when it has.</summary>
    public string? Error { get; init; }

    /// <summary>True when the node was checked (whatever the verdicts).</summary>
    public bool Succeeded => Error is null;

    public override string ToString() => Error is null ? $"{Node}: {Pass} pass, {Fail} fail, {Warn} warn, {Info} info" : $"{Node}: {Error}";
}
