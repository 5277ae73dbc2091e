using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Documents;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of every Test- cmdlet: a live cluster (by name, id or Get-AksCluster output, with the evidence beside it
/// read from ARM) or documents on disk (-Path, -LiteralPath), one <see cref="ClusterTestResult"/> per cluster.
/// </summary>
public abstract class TestClusterCmdlet : ClusterTargetCmdlet
{
    protected const string ByPathSet = "ByPath";
    protected const string ByLiteralPathSet = "ByLiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>The checks of this cmdlet on one cluster's evidence.</summary>
    internal abstract ClusterTestResult Evaluate(ClusterEvidence evidence);

    /// <summary>What beside the cluster the checks need read from ARM (online only).</summary>
    internal virtual IReadOnlyList<IEvidenceReader> EvidenceReaders => Array.Empty<IEvidenceReader>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName is ByPathSet or ByLiteralPathSet)
        {
            var literal = ParameterSetName == ByLiteralPathSet;
            foreach (var file in DocumentPaths.Resolve(this, literal ? LiteralPath : Path, literal))
            {
                ForItem(file, () =>
                {
                    foreach (var entry in ClusterDocumentReader.ReadFile(file))
                    {
                        // One bad entry of a list file is its own error; the others are still tested.
                        ForItem(entry.Source, () => WriteObject(Evaluate(new ClusterEvidence(entry.Document, online: false))));
                    }
                });
            }

            return;
        }

        ForItem(TargetText, () =>
        {
            if (ParameterSetName == ByInputObjectSet && EvidenceReaders.Count == 0)
            {
                // Get-AksCluster output already holds the document: no second read when nothing else is needed.
                var document = ClusterDocumentReader.ReadJson(InputObject!.Json, InputObject.Source)[0].Document;
                WriteObject(Evaluate(new ClusterEvidence(document, online: false)));
                return;
            }

            // Id and connection on the pipeline thread: resolving the connection may call Az.Accounts or write verbose.
            var id = TargetId();
            var connection = Connection;
            var readers = EvidenceReaders;
            var evidence = Run((sink, token) => EvidenceCollector.CollectAsync(connection, id, readers, sink, token));
            WriteObject(Evaluate(evidence));
        });
    }
}
