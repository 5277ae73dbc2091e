using System.Management.Automation;

namespace AksSecurity.Infrastructure;

/// <summary>Maps engine errors to ErrorRecords with the category PowerShell users filter on.</summary>
internal static class ErrorRecords
{
    public static ErrorCategory CategoryOf(AksErrorKind kind) => kind switch
    {
        AksErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        AksErrorKind.InvalidData => ErrorCategory.InvalidData,
        AksErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        AksErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        AksErrorKind.NotConnected => ErrorCategory.AuthenticationError,
        AksErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        AksErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        AksErrorKind.ConcurrentChange => ErrorCategory.ResourceUnavailable,
        AksErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        AksErrorKind.ServiceUnavailable => ErrorCategory.ResourceUnavailable,
        AksErrorKind.Throttled => ErrorCategory.LimitsExceeded,
        AksErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        AksErrorKind.LockoutRisk => ErrorCategory.SecurityError,
        AksErrorKind.NotSupported => ErrorCategory.InvalidOperation,
        AksErrorKind.ReadError => ErrorCategory.ReadError,
        _ => ErrorCategory.InvalidOperation,
    };

    public static ErrorRecord From(AksSecurityException ex, object? fallbackTarget) =>
        new(ex, ex.ErrorId, CategoryOf(ex.Kind), ex.Target ?? fallbackTarget)
        {
            ErrorDetails = ex.RequestId is null ? null : new ErrorDetails(ex.Message) { RecommendedAction = $"ARM request id: {ex.RequestId}" },
        };

    /// <summary>An error we did not foresee: its message, never its stack trace.</summary>
    public static ErrorRecord Unexpected(Exception ex, object? target) =>
        new(new InvalidOperationException($"Unexpected error: {ex.GetType().Name}: {ex.Message}", ex), "Unexpected," + ex.GetType().Name, ErrorCategory.NotSpecified, target);
}
