namespace AksSecurity.Engine.Checks;

/// <summary>
/// The worker node checks of the CIS AKS benchmark as kube-bench runs them on every Linux node (section 3 of its aks-1.7
/// and aks-1.8 benchmarks, which number them alike). A check fails when kube-bench reports FAIL on any node; the finding
/// names those nodes with the value kube-bench read and the one it expected.
/// </summary>
/// <remarks>
/// The ids are AKS-NODE-NNN like every other area's, not the benchmark's numbers: those belong to one benchmark version
/// (aks-1.0 numbers protect-kernel-defaults 3.2.6, aks-1.7 make-iptables-util-chains), and an id must keep its meaning in
/// suppression files and reports when kube-bench adds a version. The benchmark number is the catalogue's CIS mapping.
/// </remarks>
public static class NodeChecks
{
    public const string KubeconfigPermissions = "AKS-NODE-001";
    public const string KubeconfigOwnership = "AKS-NODE-002";
    public const string AzureJsonPermissions = "AKS-NODE-003";
    public const string AzureJsonOwnership = "AKS-NODE-004";
    public const string AnonymousAuth = "AKS-NODE-005";
    public const string AuthorizationMode = "AKS-NODE-006";
    public const string ClientCaFile = "AKS-NODE-007";
    public const string ReadOnlyPort = "AKS-NODE-008";
    public const string StreamingIdleTimeout = "AKS-NODE-009";
    public const string IptablesUtilChains = "AKS-NODE-010";
    public const string EventRecordQps = "AKS-NODE-011";
    public const string RotateCertificates = "AKS-NODE-012";
    public const string RotateServerCertificate = "AKS-NODE-013";

    /// <summary>Characters of a node's actual value quoted in a finding: kubelet checks read the whole `ps` line.</summary>
    private const int QuoteLength = 200;

    /// <summary>The benchmarks whose node checks these ids stand for; aks-1.0's are all manual, so they give no verdict.</summary>
    public static IReadOnlyList<string> Benchmarks { get; } = new[] { Tools.KubeBench.KubeBenchBenchmark.Aks17, Tools.KubeBench.KubeBenchBenchmark.Aks18 };

    /// <summary>Check id by the benchmark's number (the same in aks-1.7 and aks-1.8).</summary>
    public static IReadOnlyDictionary<string, string> IdByBenchmarkNumber { get; } = new Dictionary<string, string>
    {
        ["3.1.1"] = KubeconfigPermissions,
        ["3.1.2"] = KubeconfigOwnership,
        ["3.1.3"] = AzureJsonPermissions,
        ["3.1.4"] = AzureJsonOwnership,
        ["3.2.1"] = AnonymousAuth,
        ["3.2.2"] = AuthorizationMode,
        ["3.2.3"] = ClientCaFile,
        ["3.2.4"] = ReadOnlyPort,
        ["3.2.5"] = StreamingIdleTimeout,
        ["3.2.6"] = IptablesUtilChains,
        ["3.2.7"] = EventRecordQps,
        ["3.2.8"] = RotateCertificates,
        ["3.2.9"] = RotateServerCertificate,
    };

    public static ClusterTestResult Evaluate(ClusterEvidence evidence)
    {
        var run = new CheckRun(evidence);
        if (evidence.NodeBenchmark is not { } bench)
        {
            return run.Result();
        }

        foreach (var (id, results) in Mapped(bench))
        {
            var verdicts = results.Where(r => r.Status is KubeBenchStatus.Pass or KubeBenchStatus.Fail).ToList();
            if (verdicts.Count == 0)
            {
                continue;
            }

            // Nodes finish in any order: name them sorted, so a finding reads the same on every run.
            var failed = verdicts.Where(r => r.Status == KubeBenchStatus.Fail).OrderBy(r => r.Node, StringComparer.Ordinal).ToList();
            if (failed.Count == 0)
            {
                run.Ran(id);
                continue;
            }

            var check = CheckCatalog.Get(id);
            run.Fail(id, check.Severity, check.Title, Describe(failed, verdicts.Count), check.Remediation);
        }

        return run.Result();
    }

    /// <summary>
    /// Why a node check gives no verdict on this evidence, or null when it does: kube-bench did not run (offline, not asked,
    /// could not), ran a benchmark without these checks, or reported no PASS or FAIL for the check on any node.
    /// </summary>
    public static string? WhyNoVerdict(ClusterEvidence evidence, SecurityCheck check)
    {
        if (evidence.NodeBenchmark is not { } bench)
        {
            if (!evidence.Online)
            {
                return $"Node checks run kube-bench on the cluster's nodes, so they are not run offline: audit the live cluster with Test-AksSecurity -IncludeNode (see {check.DocumentationUrl}).";
            }

            return evidence.NodeBenchmarkUnavailable is { } why
                ? $"kube-bench could not run on the nodes: {why}"
                : $"Runs only with -IncludeNode (Test-AksSecurity, Assert-AksSecurity), which runs kube-bench on every Linux node (see {check.DocumentationUrl}).";
        }

        if (!Benchmarks.Contains(bench.Benchmark, StringComparer.OrdinalIgnoreCase))
        {
            return $"kube-bench ran the {bench.Benchmark} benchmark, whose node checks are manual and give no verdict; {string.Join(" and ", Benchmarks)} have them.";
        }

        var results = Mapped(bench).FirstOrDefault(m => m.Id == check.Id).Results ?? Array.Empty<KubeBenchCheckResult>();
        if (results.Any(r => r.Status is KubeBenchStatus.Pass or KubeBenchStatus.Fail))
        {
            return null;
        }

        if (results.Count > 0)
        {
            return "kube-bench gave no verdict on any node: " + string.Join("; ", results
                .GroupBy(r => $"{r.Status.ToString().ToUpperInvariant()}{(r.Reason.Length > 0 ? $" ({r.Reason})" : "")}")
                .Select(g => $"{g.Key} on {string.Join(", ", g.Select(r => r.Node))}")) + ".";
        }

        var failedNodes = bench.Nodes.Where(n => n.Error is not null).ToList();
        return failedNodes.Count > 0 && failedNodes.Count == bench.Nodes.Count
            ? "kube-bench gave no result on any node: " + string.Join("; ", failedNodes.Select(n => $"{n.Node}: {n.Error}"))
            : $"kube-bench's output holds no check {Cis(check)}.";
    }

    private static string Cis(SecurityCheck check) => string.Join(", ", check.Cis);

    /// <summary>The results of each node check, by catalogue id, for the benchmarks these ids stand for.</summary>
    private static IEnumerable<(string Id, IReadOnlyList<KubeBenchCheckResult> Results)> Mapped(NodeBenchmarkEvidence bench) =>
        bench.Results
            .Where(r => Benchmarks.Contains(r.Benchmark, StringComparer.OrdinalIgnoreCase) && IdByBenchmarkNumber.ContainsKey(r.Id))
            .GroupBy(r => IdByBenchmarkNumber[r.Id])
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<KubeBenchCheckResult>)g.ToList()));

    /// <summary>"kube-bench aks-1.8 3.2.1 FAIL on 2 of 3 nodes: n1, n2 read '…'; n3 read '…'. Expected: …"</summary>
    private static string Describe(IReadOnlyList<KubeBenchCheckResult> failed, int withVerdict)
    {
        var first = failed[0];
        var byValue = failed.GroupBy(r => r.ActualValue.Trim())
            .Select(g => $"{string.Join(", ", g.Select(r => r.Node))} read {Quote(g.Key)}");
        var expected = failed.Select(r => r.ExpectedResult).FirstOrDefault(e => e.Length > 0);
        return $"kube-bench {first.Benchmark} {first.Id} FAIL on {failed.Count} of {withVerdict} node(s): {string.Join("; ", byValue)}."
            + (expected is null ? "" : $" Expected: {expected}.");
    }

    private static string Quote(string value) => value.Length == 0
        ? "nothing"
        : $"'{(value.Length > QuoteLength ? value[..QuoteLength] + "…" : value).ReplaceLineEndings(" ")}'";
}
