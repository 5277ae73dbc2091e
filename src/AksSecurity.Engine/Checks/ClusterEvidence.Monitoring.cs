using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Monitoring;

namespace AksSecurity.Engine.Checks;

/// <summary>The cluster's diagnostic settings, read beside it online.</summary>
public sealed partial class ClusterEvidence
{
    /// <summary>Null when not read (offline, or the caller may not read them): the checks that need them do not run.</summary>
    public ClusterDiagnosticSettings? DiagnosticSettings { get; set; }
}

/// <summary>Reads the diagnostic settings of a live cluster (GET {clusterId}/providers/Microsoft.Insights/diagnosticSettings).</summary>
public sealed class DiagnosticSettingsReader : IEvidenceReader
{
    public async Task ReadAsync(ArmResources arm, ClusterEvidence evidence, IOperationSink sink, CancellationToken cancellationToken)
    {
        try
        {
            evidence.DiagnosticSettings = await ClusterDiagnosticSettings.ReadAsync(arm, evidence.View.Id, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (AksSecurityException ex) when (ex.Kind == AksErrorKind.PermissionDenied)
        {
            sink.Warning($"The diagnostic settings of '{evidence.View.Name}' could not be read, so the audit log checks do not run: {ex.Message}");
        }
    }
}
