using System.Collections;
using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Documents;
using AksSecurity.Engine.Tools.KubeBench;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of Test-AksSecurity and Assert-AksSecurity: the audit of live clusters (by name, id, Get-AksCluster output, or
/// -All through Azure Resource Graph) or of documents (-Path, -LiteralPath, with evidence files), with check selection and
/// suppressions. Each cluster's <see cref="AuditResult"/> goes to <see cref="OnResult"/>.
/// </summary>
public abstract class SecurityAuditCmdlet : AksCmdlet
{
    protected const string ByNameSet = ClusterTarget.ByNameSet;
    protected const string ByIdSet = ClusterTarget.ByIdSet;
    protected const string ByInputObjectSet = ClusterTarget.ByInputObjectSet;
    protected const string ByPathSet = "ByPath";
    protected const string ByLiteralPathSet = "ByLiteralPath";
    protected const string AllSet = "All";

    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ResourceGroupCompleter))]
    [ValidateNotNullOrEmpty]
    public string ResourceGroupName { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    [ArgumentCompleter(typeof(ClusterNameCompleter))]
    [Alias("ClusterName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>With -Name, the cluster's subscription (one); with -All, the subscriptions to audit.</summary>
    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = AllSet)]
    [ArgumentCompleter(typeof(SubscriptionCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] SubscriptionId { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("ResourceId", "ClusterId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = ByInputObjectSet, ValueFromPipeline = true)]
    public AksCluster? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = AllSet)]
    public SwitchParameter All { get; set; }

    [Parameter(ParameterSetName = AllSet)]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 32;

    [Parameter(ParameterSetName = AllSet)]
    public SwitchParameter Sort { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CheckIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] CheckId { get; set; } = Array.Empty<string>();

    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CheckIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] ExcludeCheckId { get; set; } = Array.Empty<string>();

    [Parameter]
    public Severity[] Severity { get; set; } = Array.Empty<Severity>();

    [Parameter]
    public CheckCategory[] Category { get; set; } = Array.Empty<CheckCategory>();

    [Parameter(ParameterSetName = ByNameSet)]
    [Parameter(ParameterSetName = ByIdSet)]
    [Parameter(ParameterSetName = ByInputObjectSet)]
    [Parameter(ParameterSetName = ByPathSet)]
    [Parameter(ParameterSetName = ByLiteralPathSet)]
    [Parameter(ParameterSetName = AllSet)]
    [ValidateNotNullOrEmpty]
    public string? SuppressionPath { get; set; }

    [Parameter(ParameterSetName = ByPathSet)]
    [Parameter(ParameterSetName = ByLiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string[] EvidencePath { get; set; } = Array.Empty<string>();

    private SecurityAudit? _audit;
    private IReadOnlyList<IEvidenceReader>? _readers;
    private OfflineEvidence? _offline;

    /// <summary>The audit of this invocation, made once its parameters are bound (on the pipeline thread, so the connection may be resolved).</summary>
    internal SecurityAudit Audit => _audit ??= new SecurityAudit(Selection, Suppressions(), nodeBenchmark: NodeBenchmarkReader());

    /// <summary>Also runs kube-bench on every Linux node of live clusters, for the AKS-NODE-* checks (it creates Jobs, and deletes them).</summary>
    [Parameter]
    public SwitchParameter IncludeNode { get; set; }

    /// <summary>What runs kube-bench on the nodes of live clusters (-IncludeNode); null when not asked or offline.</summary>
    private IEvidenceReader? NodeBenchmarkReader()
    {
        if (!IncludeNode)
        {
            return null;
        }

        if (IsOffline)
        {
            WriteWarning("-IncludeNode: node checks are not run offline. kube-bench runs on the nodes of a live cluster; audit it by -Name, -Id or Get-AksCluster to get the AKS-NODE-* verdicts.");
            return null;
        }

        return new NodeBenchmarkReader(Connection);
    }

    /// <summary>True for -Path and -LiteralPath: documents, no live cluster.</summary>
    internal bool IsOffline => ParameterSetName is ByPathSet or ByLiteralPathSet;

    internal AuditSelection Selection => new()
    {
        CheckIds = CheckId,
        ExcludeCheckIds = ExcludeCheckId,
        Severities = Severity,
        Categories = Category,
    };

    /// <summary>Called with each cluster's result, on the pipeline thread.</summary>
    internal abstract void OnResult(AuditResult result);

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (!IsAuditSet)
        {
            return;
        }

        try
        {
            // Bad selections, suppression and evidence files stop the command before any cluster is read.
            _ = Audit;
            if (EvidencePath.Length > 0)
            {
                _offline = OfflineEvidence.Load(EvidencePath.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)));
            }

            if (ParameterSetName == ByNameSet && SubscriptionId.Length > 1)
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument, "With -Name, -SubscriptionId takes the cluster's one subscription.", "SubscriptionId");
            }
        }
        catch (AksSecurityException ex)
        {
            Fail(ex);
        }
    }

    private bool IsAuditSet => ParameterSetName is ByNameSet or ByIdSet or ByInputObjectSet or ByPathSet or ByLiteralPathSet or AllSet;

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ByPathSet or ByLiteralPathSet:
                AuditDocuments(ParameterSetName == ByLiteralPathSet);
                break;
            case AllSet:
                AuditFleet();
                break;
            case ByNameSet or ByIdSet or ByInputObjectSet:
                AuditCluster();
                break;
        }
    }

    private void AuditDocuments(bool literal)
    {
        var offline = _offline ??= OfflineEvidence.Load(Array.Empty<string>());
        foreach (var input in literal ? LiteralPath : Path)
        {
            // prod.evidence.json beside prod.json is evidence, not a cluster document: -Path *.json finds both.
            var wildcard = !literal && WildcardPattern.ContainsWildcardCharacters(input);
            foreach (var file in DocumentPaths.Resolve(this, new[] { input }, literal).Where(f => !(wildcard && OfflineEvidence.IsEvidenceFile(f))))
            {
                AuditFile(file, offline);
            }
        }
    }

    private void AuditFile(string file, OfflineEvidence offline) => ForItem(file, () =>
    {
        var entries = ClusterDocumentReader.ReadFile(file);
        foreach (var entry in entries)
        {
            // One bad entry of a list file is its own error; the others are still audited.
            ForItem(entry.Source, () =>
            {
                var evidence = new ClusterEvidence(entry.Document, online: false);
                if (offline.Apply(evidence, file, entries.Count) is { } used)
                {
                    WriteVerbose($"Evidence beside '{evidence.View.Name}' read from {used}.");
                }

                Deliver(Audit.Evaluate(evidence));
            });
        }
    });

    private void AuditCluster()
    {
        ForItem(TargetText, () =>
        {
            var audit = Audit;
            var readers = _readers ??= audit.CreateReaders();
            if (ParameterSetName == ByInputObjectSet)
            {
                // Get-AksCluster output already holds the document: only what lies beside it is read.
                var document = ClusterDocumentReader.ReadJson(InputObject!.Json, InputObject.Source)[0].Document;
                if (readers.Count == 0)
                {
                    Deliver(audit.Evaluate(new ClusterEvidence(document, online: false)));
                    return;
                }

                var arm = new ArmResources(Connection);
                Deliver(Run((sink, token) => audit.EvaluateAsync(arm, document, readers, sink, token)));
                return;
            }

            // Id and connection on the pipeline thread: resolving the connection may call Az.Accounts or write verbose.
            var id = TargetId();
            var connection = Connection;
            Deliver(Run((sink, token) => audit.EvaluateAsync(connection, id, readers, sink, token)));
        });
    }

    private void AuditFleet()
    {
        var invalid = SubscriptionId.Where(s => !ClusterResourceId.IsValidSubscriptionId(s)).ToList();
        foreach (var bad in invalid)
        {
            WriteError(ErrorRecords.From(new AksSecurityException(AksErrorKind.InvalidArgument, $"Subscription id '{bad}' is not a GUID.", bad), bad));
        }

        var subscriptions = SubscriptionId.Length == 0 ? null : SubscriptionId.Where(ClusterResourceId.IsValidSubscriptionId).ToArray();
        if (subscriptions is { Length: 0 })
        {
            return;
        }

        var sorted = new List<AuditResult>();
        ForItem(subscriptions is { Length: 1 } ? subscriptions[0] : null, () =>
        {
            var audit = Audit;
            var connection = Connection;
            RunStream((sink, token) => audit.EvaluateFleetAsync(connection, subscriptions, ThrottleLimit, sink, token), outcome =>
            {
                if (outcome.Error is { } error)
                {
                    WriteError(error is AksSecurityException known ? ErrorRecords.From(known, outcome.Item.View.Id) : ErrorRecords.Unexpected(error, outcome.Item.View.Id));
                }
                else if (Sort)
                {
                    sorted.Add(outcome.Result!);
                }
                else
                {
                    Deliver(outcome.Result!);
                }
            });
        });

        // -Sort: the same order on every run (completion order depends on the network).
        foreach (var result in sorted.OrderBy(r => r.ClusterId, StringComparer.OrdinalIgnoreCase))
        {
            Deliver(result);
        }
    }

    /// <summary>Expired suppressions become warnings (every time, so a pipeline log shows them); then the result goes on.</summary>
    private void Deliver(AuditResult result)
    {
        foreach (var expired in result.ExpiredSuppressions)
        {
            WriteWarning($"The suppression of {expired.CheckId} for '{expired.Cluster}' ({expired.Source}) expired on {expired.Expires:yyyy-MM-dd HH:mm} UTC and is not honoured on '{result.ClusterName}': {expired.Reason}");
        }

        OnResult(result);
    }

    private ClusterResourceId TargetId() =>
        ClusterTarget.Resolve(ParameterSetName, Id, InputObject, SubscriptionId.FirstOrDefault(), ResourceGroupName, Name, () => Connection);

    private string TargetText => ClusterTarget.Describe(ParameterSetName, Id, InputObject, ResourceGroupName, Name);

    /// <summary>The -SuppressionPath file: JSON read by the engine, PSD1 read here as PowerShell data (no code runs).</summary>
    private SuppressionSet Suppressions()
    {
        if (SuppressionPath is null)
        {
            return SuppressionSet.Empty;
        }

        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(SuppressionPath);
        if (!File.Exists(path))
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"Suppression file '{path}' does not exist.", path);
        }

        if (!path.EndsWith(".psd1", StringComparison.OrdinalIgnoreCase))
        {
            return SuppressionSet.ReadJson(File.ReadAllText(path), path);
        }

        IDictionary data;
        try
        {
            data = InvokeCommand.InvokeScript("param($p) Import-PowerShellDataFile -LiteralPath $p", false, System.Management.Automation.Runspaces.PipelineResultTypes.None, null, path)
                .FirstOrDefault()?.BaseObject as IDictionary
                ?? throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression file '{path}' holds no hashtable.", path);
        }
        catch (RuntimeException ex)
        {
            // Not data (code, a parse error): PowerShell refused to run it; say so as bad data, not as an unexpected error.
            throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression file '{path}' is not a PowerShell data file: {ex.Message}", path, ex);
        }
        var entries = data.Contains("Suppressions") ? data["Suppressions"] : null;
        var list = entries switch
        {
            IDictionary one => new object[] { one },
            IEnumerable many and not string => many.Cast<object>().ToArray(),
            _ => throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression file '{path}' must hold @{{ Suppressions = @( @{{ CheckId = ...; Reason = ... }} ) }}.", path),
        };
        return new SuppressionSet(list.Select((item, i) =>
        {
            var where = $"{path}[{i}]";
            var entry = (item is PSObject ps ? ps.BaseObject : item) as IDictionary
                ?? throw new AksSecurityException(AksErrorKind.InvalidData, $"Suppression {where} is not a hashtable.", path);
            return SuppressionSet.Create(Text(entry, "CheckId"), Text(entry, "Cluster"), Text(entry, "Reason"), Text(entry, "Expires"), where);
        }).ToArray());
    }

    /// <summary>A value of a PSD1 entry by case-insensitive key; dates become ISO text for the engine to parse.</summary>
    private static string? Text(IDictionary entry, string key)
    {
        foreach (DictionaryEntry pair in entry)
        {
            if (string.Equals(pair.Key?.ToString(), key, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value switch
                {
                    null => null,
                    DateTime date => date.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
                    var value => value.ToString(),
                };
            }
        }

        return null;
    }
}
