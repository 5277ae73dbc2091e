using System.Runtime.CompilerServices;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Documents;
using AksSecurity.Engine.Fleet;
using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Runs the selected checks of the catalogue on one cluster's evidence and makes its <see cref="AuditResult"/>: each
/// area's checks class runs with its default settings, then every selected check gets a verdict (passed, failed or
/// suppressed) or is listed as skipped with the reason — evidence not read, a template expression among its inputs, or
/// not applicable to this cluster. Nothing is guessed.
/// </summary>
public sealed class SecurityAudit
{
    /// <summary>Score weights per severity; Informational counts for nothing.</summary>
    public static IReadOnlyDictionary<Severity, int> Weights { get; } = new Dictionary<Severity, int>
    {
        [Severity.Critical] = 10, [Severity.High] = 5, [Severity.Medium] = 3, [Severity.Low] = 1, [Severity.Informational] = 0,
    };

    private static readonly (string Prefix, Func<ClusterEvidence, ClusterTestResult> Evaluate)[] Areas =
    {
        ("AKS-API-", e => ApiAccessChecks.Evaluate(e)),
        ("AKS-AAD-", AadRbacChecks.Evaluate),
        ("AKS-POL-", e => PolicyChecks.Evaluate(e)),
        ("AKS-KV-", e => KeyVaultCsiChecks.Evaluate(e)),
        ("AKS-MON-", MonitoringChecks.Evaluate),
        ("AKS-DEF-", DefenderChecks.Evaluate),
        ("AKS-UPG-", UpgradeChecks.Evaluate),
        ("AKS-CFG-", ClusterConfigurationChecks.Evaluate),
        ("AKS-NODE-", NodeChecks.Evaluate),
        ("AKS-SSC-", e => e.SecretStore is null
            ? new ClusterTestResult(e.View.Id, e.View.Name, e.Cluster.Source, Array.Empty<Finding>(), Array.Empty<string>())
            : SecretStoreChecks.Evaluate(e.View.Id, e.View.Name, e.Cluster.Source, e.SecretStore)),
    };

    private readonly SuppressionSet _suppressions;
    private readonly Func<DateTimeOffset> _clock;
    private readonly HashSet<string> _selected;
    private readonly IEvidenceReader? _nodeBenchmark;

    /// <param name="nodeBenchmark">What runs kube-bench on the nodes (Test-AksSecurity -IncludeNode); null leaves the node checks without a verdict.</param>
    public SecurityAudit(AuditSelection? selection = null, SuppressionSet? suppressions = null, Func<DateTimeOffset>? clock = null, IEvidenceReader? nodeBenchmark = null)
    {
        _nodeBenchmark = nodeBenchmark;
        Checks = (selection ?? new AuditSelection()).Resolve();
        _selected = Checks.Select(c => c.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        _suppressions = suppressions ?? SuppressionSet.Empty;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        RequiredEvidence = Checks.Aggregate((CheckEvidence)0, (all, c) => all | c.Evidence);
    }

    /// <summary>The selected checks, in catalogue order.</summary>
    public IReadOnlyList<SecurityCheck> Checks { get; }

    /// <summary>What the selected checks read: the document, and which resources beside the cluster.</summary>
    public CheckEvidence RequiredEvidence { get; }

    /// <summary>
    /// New readers for what the selected checks need beside the cluster, one set per command so that per-subscription
    /// and per-region reads are shared. A resource the caller may not read is a warning, and its checks are skipped.
    /// </summary>
    public IReadOnlyList<IEvidenceReader> CreateReaders()
    {
        var readers = new List<IEvidenceReader>();
        if (RequiredEvidence.HasFlag(CheckEvidence.PolicyAssignments))
        {
            readers.Add(new TolerantReader(new PolicyAssignmentReader(), "policy assignments"));
        }

        if (RequiredEvidence.HasFlag(CheckEvidence.DiagnosticSettings))
        {
            readers.Add(new TolerantReader(new DiagnosticSettingsReader(), "diagnostic settings"));
        }

        if (RequiredEvidence.HasFlag(CheckEvidence.MaintenanceConfigurations))
        {
            readers.Add(new TolerantReader(new MaintenanceConfigurationReader(), "maintenance configurations"));
        }

        if (RequiredEvidence.HasFlag(CheckEvidence.DefenderPlan))
        {
            readers.Add(new TolerantReader(new DefenderPlanReader(), "Defender for Containers plan"));
        }

        if (RequiredEvidence.HasFlag(CheckEvidence.KubernetesVersions))
        {
            readers.Add(new TolerantReader(new KubernetesVersionReader(), "supported Kubernetes versions"));
        }

        if (RequiredEvidence.HasFlag(CheckEvidence.NodeBenchmark) && _nodeBenchmark is not null)
        {
            readers.Add(_nodeBenchmark);
        }

        return readers;
    }

    /// <summary>Reads a live cluster, then what the selected checks need beside it, and audits it.</summary>
    public async Task<AuditResult> EvaluateAsync(ArmConnection connection, ClusterResourceId id, IReadOnlyList<IEvidenceReader> readers, IOperationSink sink,
        CancellationToken cancellationToken)
    {
        var document = await new ManagedClusterClient(connection).GetAsync(id, sink, cancellationToken).ConfigureAwait(false);
        return await EvaluateAsync(new ArmResources(connection), document, readers, sink, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads what the selected checks need beside a cluster document already read (Get-AksCluster, Resource Graph), all at once, and audits it.</summary>
    public async Task<AuditResult> EvaluateAsync(ArmResources arm, ManagedClusterDocument document, IReadOnlyList<IEvidenceReader> readers, IOperationSink sink,
        CancellationToken cancellationToken)
    {
        var evidence = new ClusterEvidence(document, online: true);
        // Each reader fills its own part of the evidence, so they can run side by side.
        await Task.WhenAll(readers.Select(r => r.ReadAsync(arm, evidence, sink, cancellationToken))).ConfigureAwait(false);
        return Evaluate(evidence);
    }

    /// <summary>
    /// Every managed cluster of the given (or every visible) subscription, listed through Azure Resource Graph, audited
    /// <paramref name="throttleLimit"/> at a time; outcomes (a result or that cluster's error) in completion order, with
    /// progress as clusters done of the total.
    /// </summary>
    public async IAsyncEnumerable<ItemOutcome<ManagedClusterDocument, AuditResult>> EvaluateFleetAsync(ArmConnection connection, IReadOnlyList<string>? subscriptionIds,
        int throttleLimit, IOperationSink sink, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const string activity = "Auditing clusters";
        var clusters = new List<ManagedClusterDocument>();
        await foreach (var cluster in ClusterInventory.ListAsync(connection, subscriptionIds, sink, cancellationToken).ConfigureAwait(false))
        {
            clusters.Add(cluster);
        }

        var arm = new ArmResources(connection);
        var readers = CreateReaders();
        var done = 0;
        sink.Progress(activity, $"0 of {clusters.Count} clusters", 0);
        await foreach (var outcome in BoundedParallel.RunCapturingFailuresAsync(clusters, throttleLimit,
                           (cluster, token) => EvaluateAsync(arm, cluster, readers, sink, token), cancellationToken).ConfigureAwait(false))
        {
            done++;
            sink.Progress(activity, $"{done} of {clusters.Count} clusters", done * 100 / clusters.Count);
            yield return outcome;
        }
    }

    public AuditResult Evaluate(ClusterEvidence evidence)
    {
        var view = evidence.View;
        var findings = new List<Finding>();
        var ran = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (prefix, evaluate) in Areas)
        {
            if (!_selected.Any(id => id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var result = evaluate(evidence);
            findings.AddRange(result.Findings.Where(f => _selected.Contains(f.CheckId)));
            ran.UnionWith(result.ChecksRun);
        }

        var expressions = TemplateExpressions.Find(evidence.Cluster.Root);
        var now = _clock();
        var remaining = new List<Finding>();
        var suppressed = new List<SuppressedFinding>();
        var skipped = new List<SkippedCheck>();
        var expired = new List<Suppression>();
        var checksRun = new List<string>();
        var tally = new Dictionary<Severity, (int Passed, int Failed, int Suppressed)>();

        foreach (var check in Checks)
        {
            if (Undetermined(check, expressions, evidence) is { } reason)
            {
                skipped.Add(new SkippedCheck { CheckId = check.Id, Reason = reason });
                continue;
            }

            if (!ran.Contains(check.Id))
            {
                skipped.Add(new SkippedCheck { CheckId = check.Id, Reason = $"Does not apply to this cluster's configuration (see {check.DocumentationUrl})." });
                continue;
            }

            checksRun.Add(check.Id);
            var failures = findings.Where(f => string.Equals(f.CheckId, check.Id, StringComparison.OrdinalIgnoreCase)).ToList();
            if (failures.Count == 0)
            {
                Count(tally, check.Severity, passed: 1);
                continue;
            }

            var severity = failures.Max(f => f.Severity);
            var matching = _suppressions.Matching(check.Id, view).ToList();
            var active = matching.FirstOrDefault(s => !SuppressionSet.IsExpired(s, now));
            expired.AddRange(matching.Where(s => SuppressionSet.IsExpired(s, now)));
            if (active is null)
            {
                remaining.AddRange(failures);
                Count(tally, severity, failed: 1);
            }
            else
            {
                suppressed.AddRange(failures.Select(f => new SuppressedFinding { Finding = f, Suppression = active }));
                Count(tally, severity, suppressed: 1);
            }
        }

        var counts = Enum.GetValues<Severity>().OrderDescending()
            .Select(s => tally.TryGetValue(s, out var t)
                ? new SeverityCount { Severity = s, Passed = t.Passed, Failed = t.Failed, Suppressed = t.Suppressed }
                : new SeverityCount { Severity = s })
            .ToArray();
        return new AuditResult
        {
            ClusterId = view.Id,
            ClusterName = view.Name,
            Source = evidence.Cluster.Source,
            Score = Score(counts),
            Findings = remaining,
            Suppressed = suppressed,
            ChecksRun = checksRun,
            Skipped = skipped,
            Counts = counts,
            ExpiredSuppressions = expired.Distinct().ToArray(),
        };
    }

    /// <summary>
    /// 100 × weighted passed ÷ weighted (passed + failed), rounded down so that any failure shows; suppressed checks
    /// count in neither, and a cluster with nothing weighed scores 100.
    /// </summary>
    public static int Score(IEnumerable<SeverityCount> counts)
    {
        var list = counts.ToList();
        var passed = list.Sum(c => Weights[c.Severity] * c.Passed);
        var total = passed + list.Sum(c => Weights[c.Severity] * c.Failed);
        return total == 0 ? 100 : (int)Math.Floor(100.0 * passed / total);
    }

    private static void Count(Dictionary<Severity, (int Passed, int Failed, int Suppressed)> tally, Severity severity, int passed = 0, int failed = 0, int suppressed = 0)
    {
        var t = tally.GetValueOrDefault(severity);
        tally[severity] = (t.Passed + passed, t.Failed + failed, t.Suppressed + suppressed);
    }

    /// <summary>Why the check can give no verdict on this evidence, or null when it can.</summary>
    private static string? Undetermined(SecurityCheck check, IReadOnlyList<TemplateExpression> expressions, ClusterEvidence evidence)
    {
        foreach (var expression in expressions)
        {
            if (check.Inputs.FirstOrDefault(input => TemplateExpressions.Overlaps(input, expression.Path)) is { } input)
            {
                return $"{expression.Path} is a template expression ({expression.Expression}), so {input} is known only at deployment.";
            }
        }

        if (check.Evidence.HasFlag(CheckEvidence.NodeBenchmark) && NodeChecks.WhyNoVerdict(evidence, check) is { } why)
        {
            return why;
        }

        if (check.Evidence.HasFlag(CheckEvidence.SecretStoreObjects) && evidence.SecretStore is null)
        {
            return $"Runs inside the cluster only: Test-AksSecretStore reads the Secrets Store CSI objects through the cluster's Kubernetes API, which the ARM audit does not reach (see {check.DocumentationUrl}).";
        }

        var missing = new List<string>();
        if (check.Evidence.HasFlag(CheckEvidence.PolicyAssignments) && evidence.PolicyAssignments is null)
        {
            missing.Add("the policy assignments that apply to the cluster");
        }

        if (check.Evidence.HasFlag(CheckEvidence.DiagnosticSettings) && evidence.DiagnosticSettings is null)
        {
            missing.Add("the cluster's diagnostic settings");
        }

        if (check.Evidence.HasFlag(CheckEvidence.MaintenanceConfigurations) && evidence.MaintenanceConfigurations is null)
        {
            missing.Add("the cluster's maintenance configurations");
        }

        if (check.Evidence.HasFlag(CheckEvidence.DefenderPlan) && evidence.DefenderPlan is null)
        {
            missing.Add("the subscription's Defender for Containers plan");
        }

        if (check.Evidence.HasFlag(CheckEvidence.KubernetesVersions) && evidence.SupportedKubernetesVersions is null)
        {
            missing.Add("the Kubernetes versions the region supports");
        }

        return missing.Count == 0
            ? null
            : $"Needs {string.Join(" and ", missing)}, which {(missing.Count == 1 ? "was" : "were")} not read: they are read online, or offline from an evidence file beside the document (see {check.DocumentationUrl}).";
    }

    /// <summary>Turns "may not read" into a warning: the checks that need the resource are then skipped, not failed.</summary>
    private sealed class TolerantReader : IEvidenceReader
    {
        private readonly IEvidenceReader _inner;
        private readonly string _what;

        public TolerantReader(IEvidenceReader inner, string what)
        {
            _inner = inner;
            _what = what;
        }

        public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
        {
            try
            {
                await _inner.ReadAsync(arm, evidence, sink, cancellationToken).ConfigureAwait(false);
            }
            catch (AksSecurityException ex) when (ex.Kind == AksErrorKind.PermissionDenied)
            {
                sink.Warning($"The {_what} of '{evidence.View.Name}' could not be read, so the checks that need them are skipped: {ex.Message}");
            }
        }
    }
}
