using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Azure;

/// <summary>Turns an ARM error response into an <see cref="AksSecurityException"/> that keeps the service's code and message.</summary>
internal static partial class ArmErrors
{
    [GeneratedRegex("perform action '(?<action>[^']+)'", RegexOptions.IgnoreCase)]
    private static partial Regex MissingActionPattern();

    public static AksSecurityException ToException(ArmResponse response, string target, string what)
    {
        var code = response.ErrorCode;
        var serviceMessage = response.ErrorMessage ?? $"HTTP {response.Status} with no error body.";
        var (kind, lead) = response.Status switch
        {
            400 => (AksErrorKind.InvalidArgument, $"ARM rejected the request to {what}"),
            401 => (AksErrorKind.AuthenticationError, $"Not authenticated to {what}; sign in again with Connect-AksSecurity"),
            403 => (AksErrorKind.PermissionDenied, PermissionLead(serviceMessage, what)),
            404 => (AksErrorKind.ObjectNotFound, $"Not found: {target}"),
            409 when code == "OperationNotAllowed" => (AksErrorKind.ResourceBusy, $"Another operation is running on {target}"),
            409 => (AksErrorKind.OperationFailed, $"ARM refused to {what} because of a conflict"),
            412 => (AksErrorKind.ConcurrentChange, $"{target} was changed by someone else while this change was being made"),
            429 => (AksErrorKind.Throttled, $"ARM throttled the request to {what} and retries did not get through"),
            >= 500 => (AksErrorKind.ServiceUnavailable, $"ARM failed to {what} and retries did not get through"),
            _ => (AksErrorKind.OperationFailed, $"ARM answered HTTP {response.Status} to {what}"),
        };
        var message = $"{lead}. {(code is null ? "" : code + ": ")}{serviceMessage}";
        return new AksSecurityException(kind, message, target)
        {
            ArmErrorCode = code,
            HttpStatus = response.Status,
            RequestId = response.RequestId,
        };
    }

    private static string PermissionLead(string serviceMessage, string what)
    {
        var match = MissingActionPattern().Match(serviceMessage);
        return match.Success
            ? $"Permission denied to {what}: the signed-in identity lacks '{match.Groups["action"].Value}' (grant a role that has it, e.g. Azure Kubernetes Service Contributor)"
            : $"Permission denied to {what}";
    }
}
