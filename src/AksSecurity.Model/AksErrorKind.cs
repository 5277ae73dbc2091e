namespace AksSecurity;

/// <summary>What went wrong, in terms the cmdlets map to a PowerShell ErrorCategory.</summary>
public enum AksErrorKind
{
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    AuthenticationError,
    PermissionDenied,
    ResourceBusy,
    ConcurrentChange,
    ConnectionError,
    ServiceUnavailable,
    Throttled,
    OperationFailed,
    OperationTimeout,
    NotConnected,
    LockoutRisk,
    NotSupported,

    /// <summary>A file exists but could not be read (permissions, a device error).</summary>
    ReadError,
}

/// <summary>An error the engine explains itself: the message is written for the user, never a stack trace.</summary>
public sealed class AksSecurityException : Exception
{
    public AksSecurityException(AksErrorKind kind, string message, string? target = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        Target = target;
    }

    public AksErrorKind Kind { get; }

    /// <summary>What the error is about: a resource id, file path, parameter value.</summary>
    public string? Target { get; }

    /// <summary>The ARM error code (e.g. OperationNotAllowed), kept as the service sent it.</summary>
    public string? ArmErrorCode { get; init; }

    public int? HttpStatus { get; init; }

    /// <summary>x-ms-request-id of the failing call, for a support ticket.</summary>
    public string? RequestId { get; init; }

    /// <summary>A stable error id for the ErrorRecord (FullyQualifiedErrorId).</summary>
    public string ErrorId => ArmErrorCode is null ? Kind.ToString() : $"{Kind},{ArmErrorCode}";
}
