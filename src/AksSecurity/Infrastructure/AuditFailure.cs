using System.Management.Automation;
using AksSecurity.Engine.Checks;

namespace AksSecurity.Infrastructure;

/// <summary>The error of the audit gate (Assert-AksSecurity, Test-AksSecurity -FailOn), so a pipeline task fails.</summary>
internal static class AuditFailure
{
    public const string ErrorId = "AksSecurityAuditFailed";

    /// <summary>
    /// Throws when findings at or above <paramref name="threshold"/> remain. The error stops the whole script, as a
    /// script's own 'throw' does (so 'pwsh -File' exits with 1 even where $ErrorActionPreference is Continue); try/catch
    /// catches it, and its TargetObject holds the failing findings.
    /// </summary>
    public static void ThrowIfAny(AksCmdlet cmdlet, IReadOnlyCollection<AuditResult> results, Severity threshold)
    {
        if (AuditGate.Message(results, threshold) is not { } message)
        {
            cmdlet.WriteVerbose($"No finding at or above {threshold} remains on {results.Count} cluster(s).");
            return;
        }

        var cause = new AksSecurityException(AksErrorKind.OperationFailed, message);
        var record = new ErrorRecord(cause, ErrorId, ErrorCategory.SecurityError, AuditGate.Failures(results, threshold).ToArray());
        // ThrowTerminatingError would end only this statement, and the script would go on and exit with 0.
        cmdlet.LogTerminatingError(record);
        throw new RuntimeException(message, cause, record) { WasThrownFromThrowStatement = true };
    }
}
