using System.Management.Automation;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Documents;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reports how the API server is exposed: authorized IP ranges, private cluster, public FQDN, run command, VNet integration.</summary>
[Cmdlet(VerbsDiagnostic.Test, "AksApiAccess", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterTestResult))]
public sealed class TestAksApiAccessCommand : ClusterTargetCmdlet
{
    private const string ByPathSet = "ByPath";
    private const string ByLiteralPathSet = "ByLiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPathSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>Authorized ranges with a shorter prefix than this are reported as too wide.</summary>
    [Parameter]
    [ValidateRange(1, 32)]
    public int MinimumPrefixLength { get; set; } = new ApiAccessCheckOptions().MinimumPrefixLength;

    protected override void ProcessRecord()
    {
        var options = new ApiAccessCheckOptions { MinimumPrefixLength = MinimumPrefixLength };
        if (ParameterSetName is ByPathSet or ByLiteralPathSet)
        {
            foreach (var file in DocumentPaths.Resolve(this, ParameterSetName == ByPathSet ? Path : LiteralPath, literal: ParameterSetName == ByLiteralPathSet))
            {
                ForItem(file, () =>
                {
                    foreach (var entry in ClusterDocumentReader.ReadFile(file))
                    {
                        // One bad entry of a list file is its own error; the others are still audited.
                        ForItem(entry.Source, () => WriteObject(ApiAccessChecks.Evaluate(entry.Document, options)));
                    }
                });
            }

            return;
        }

        ForItem(TargetText, () =>
        {
            ManagedClusterDocument document;
            if (ParameterSetName == ByInputObjectSet)
            {
                document = ClusterDocumentReader.ReadJson(InputObject!.Json, InputObject.Source)[0].Document;
            }
            else
            {
                // Id and client on the pipeline thread: resolving the connection may call Az.Accounts or write verbose.
                var id = TargetId();
                var client = new ManagedClusterClient(Connection);
                document = Run((sink, token) => client.GetAsync(id, sink, token));
            }

            WriteObject(ApiAccessChecks.Evaluate(document, options));
        });
    }
}
