namespace AksSecurity.TestServers;

/// <summary>How the fake Job controller plays a Job's pod.</summary>
public enum JobBehavior
{
    /// <summary>Pending → Running → Succeeded; the Job gets succeeded: 1 and condition Complete.</summary>
    Complete,

    /// <summary>The pod stays Pending and is never scheduled (PodScheduled False, Unschedulable); the Job never finishes.</summary>
    Hang,

    /// <summary>Pending → Running → Failed with an error line in the log; the Job gets failed: 1 and condition Failed (BackoffLimitExceeded).</summary>
    Fail,
}

/// <summary>Which user a kubeconfig written by <see cref="FakeKubernetesServer.WriteKubeConfig"/> carries.</summary>
public enum FakeKubeUser
{
    /// <summary>A static bearer token registered with the server.</summary>
    Token,

    /// <summary>A client certificate signed by the test CA (CN=masterclient, O=system:masters, like AKS's admin credential).</summary>
    ClientCertificate,
}

/// <summary>Behaviour knobs of <see cref="FakeKubernetesServer"/>; may be changed while the server runs (read on each request).</summary>
public sealed class FakeKubernetesOptions
{
    /// <summary>The gitVersion /version answers (major/minor derived from it).</summary>
    public string GitVersion { get; set; } = "v1.31.2";

    public JobBehavior JobBehavior { get; set; } = JobBehavior.Complete;

    /// <summary>How long a Job's pod stays Pending, then Running (so it ends after twice this).</summary>
    public TimeSpan PodPhaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The log of a Job's pod on a node (its first container). Null → <see cref="NodeLogs"/>, else the kube-bench
    /// fixture output <c>Fixtures/kube-bench/result.json</c>.
    /// </summary>
    public Func<string, string>? KubeBenchLog { get; set; }

    /// <summary>Per-node log text of Jobs' pods (node name → text); used when <see cref="KubeBenchLog"/> is null and the node is listed.</summary>
    public Dictionary<string, string> NodeLogs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>DaemonSet pods become Running and ready at once; false leaves them Pending (ContainerCreating) and the status not ready.</summary>
    public bool DaemonSetsBecomeReady { get; set; } = true;

    internal void CopyFrom(FakeKubernetesOptions other)
    {
        GitVersion = other.GitVersion;
        JobBehavior = other.JobBehavior;
        PodPhaseDelay = other.PodPhaseDelay;
        KubeBenchLog = other.KubeBenchLog;
        NodeLogs = new Dictionary<string, string>(other.NodeLogs, StringComparer.Ordinal);
        DaemonSetsBecomeReady = other.DaemonSetsBecomeReady;
    }

    /// <summary>The text of a kube-bench fixture copied under Fixtures/kube-bench/ (result.json, result_no_totals.json, ...).</summary>
    public static string KubeBenchFixture(string fileName) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "kube-bench", fileName));
}
