using System.Management.Automation;
using AksSecurity.Completers;
using AksSecurity.Engine.Tools.Falco;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Reads Falco's JSON alerts from the Falco pods' logs, filtered, or follows them until Ctrl+C.</summary>
[Cmdlet(VerbsCommon.Get, "AksFalcoAlert", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(FalcoAlert))]
public sealed class GetAksFalcoAlertCommand : KubernetesCmdlet
{
    [Parameter]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = FalcoManifests.DefaultNamespace;

    /// <summary>A TimeSpan (that long ago) or a DateTime.</summary>
    [Parameter]
    [SinceTransformation]
    public DateTimeOffset? Since { get; set; }

    [Parameter]
    public FalcoPriority? MinimumPriority { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Rule { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter Follow { get; set; }

    protected override void ProcessRecord() => ForItem(KubernetesTargetText, () =>
    {
        var target = KubernetesTarget();
        var query = new FalcoAlertQuery { Namespace = Namespace, Since = Since, MinimumPriority = MinimumPriority, Rules = Rule };
        var follow = Follow.IsPresent;
        RunStream((sink, token) => FalcoAlertReader.ReadAsync(target, query, follow, sink, token), WriteObject);
    });

    /// <summary>-Since takes a TimeSpan (that long before now), a DateTime (local or UTC) or a DateTimeOffset, or text of either.</summary>
    private sealed class SinceTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            return value switch
            {
                null => null,
                DateTimeOffset time => time,
                DateTime time => new DateTimeOffset(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Local) : time),
                TimeSpan span when span >= TimeSpan.Zero => DateTimeOffset.UtcNow - span,
                string text when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero => DateTimeOffset.UtcNow - span,
                string text when DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeLocal, out var time) => time,
                _ => throw new ArgumentTransformationMetadataException(
                    $"-Since takes a TimeSpan (e.g. (New-TimeSpan -Hours 1) or '01:00:00') or a DateTime; '{value}' is neither, or is a negative TimeSpan."),
            };
        }
    }
}
