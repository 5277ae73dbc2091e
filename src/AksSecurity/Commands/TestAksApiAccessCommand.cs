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
    [Alias("PSPath")]
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
                    foreach (var document in ClusterDocumentReader.ReadFile(file))
                    {
                        WriteObject(ApiAccessChecks.Evaluate(document, options));
                    }
                });
            }

            return;
        }

        ForItem(TargetText, () =>
        {
            var document = ParameterSetName == ByInputObjectSet
                ? ClusterDocumentReader.ReadJson(InputObject!.Json, InputObject.Source)[0]
                : Run((sink, token) => new ManagedClusterClient(Connection).GetAsync(TargetId(), sink, token));
            WriteObject(ApiAccessChecks.Evaluate(document, options));
        });
    }
}
