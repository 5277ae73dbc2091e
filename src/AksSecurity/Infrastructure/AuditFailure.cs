using System.Management.Automation;
using AksSecurity.Engine.Checks;

namespace AksSecurity.Infrastructure;

/// <summary>The terminating error of the audit gate (Assert-AksSecurity, Test-AksSecurity -FailOn), so a pipeline task fails.</summary>
internal static class AuditFailure
{
    public const string ErrorId = "AksSecurityAuditFailed";

    /// <summary>Throws when findings at or above <paramref name="threshold"/> remain; the error's target is those findings.</summary>
    public static void ThrowIfAny(PSCmdlet cmdlet, IReadOnlyCollection<AuditResult> results, Severity threshold)
    {
        if (AuditGate.Message(results, threshold) is not { } message)
        {
            cmdlet.WriteVerbose($"No finding at or above {threshold} remains on {results.Count} cluster(s).");
            return;
        }

        cmdlet.ThrowTerminatingError(new ErrorRecord(new AksSecurityException(AksErrorKind.OperationFailed, message), ErrorId, ErrorCategory.SecurityError,
            AuditGate.Failures(results, threshold).ToArray()));
    }
}
