using System.Text.Json.Nodes;
using AksSecurity.TestServers.Internal;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>
/// The metav1.Status bodies the API server answers errors with: {kind: Status, apiVersion: v1, metadata: {}, status:
/// Failure, message, reason, details, code}. Messages and reasons follow k8s.io/apimachinery/pkg/api/errors/errors.go
/// (NewNotFound, NewAlreadyExists, NewConflict, NewInvalid, NewBadRequest, NewUnauthorized, NewForbidden,
/// NewMethodNotSupported) and, for apply conflicts, pkg/util/managedfields/internal/conflict.go (NewConflictError).
/// </summary>
internal static class KubeStatus
{
    public static FakeResponse Failure(int code, string reason, string message, JsonObject? details = null)
    {
        var body = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            body["details"] = details;
        }

        body["code"] = code;
        return FakeResponse.Json(code, body);
    }

    /// <summary>What DELETE answers for most resources: {status: Success, details: {name, group?, kind, uid}}.</summary>
    public static JsonObject Success(ResourceType type, string name, string? uid)
    {
        var details = Details(type, name);
        if (uid is not null)
        {
            details["uid"] = uid;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    /// <summary>404: configmaps "x" not found.</summary>
    public static FakeResponse NotFound(ResourceType type, string name) =>
        Failure(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", Details(type, name));

    /// <summary>404 for a path that names no resource (the apiserver's NotFound handler).</summary>
    public static FakeResponse UnknownPath() =>
        Failure(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    /// <summary>409: configmaps "x" already exists.</summary>
    public static FakeResponse AlreadyExists(ResourceType type, string name) =>
        Failure(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", Details(type, name));

    /// <summary>409 on a stale metadata.resourceVersion (optimistic concurrency).</summary>
    public static FakeResponse Conflict(ResourceType type, string name) =>
        Failure(409, "Conflict",
            $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            Details(type, name));

    /// <summary>422: Kind "name" is invalid: field: message (one cause per problem).</summary>
    public static FakeResponse Invalid(ResourceType type, string name, IReadOnlyList<(string Field, string Reason, string Message)> causes)
    {
        var details = Details(type, name, kindName: true);
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode?)new JsonObject
        {
            ["reason"] = c.Reason,
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        var list = causes.Count == 1
            ? $"{causes[0].Field}: {causes[0].Message}"
            : "[" + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        return Failure(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {list}", details);
    }

    public static FakeResponse BadRequest(string message) => Failure(400, "BadRequest", message);

    public static FakeResponse Unauthorized() => Failure(401, "Unauthorized", "Unauthorized");

    /// <summary>403: configmaps "x" is forbidden: User "u" cannot get resource "configmaps" in API group "" in the namespace "ns".</summary>
    public static FakeResponse Forbidden(ResourceType? type, string? name, string? ns, string verb, string user)
    {
        if (type is null)
        {
            return Failure(403, "Forbidden", $"forbidden: User \"{user}\" cannot {verb} path", new JsonObject());
        }

        var subject = name is null ? type.QualifiedPlural : $"{type.QualifiedPlural} \"{name}\"";
        var scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        return Failure(403, "Forbidden",
            $"{subject} is forbidden: User \"{user}\" cannot {verb} resource \"{type.Plural}\" in API group \"{type.Group}\" {scope}",
            Details(type, name));
    }

    public static FakeResponse MethodNotSupported(ResourceType type, string method) =>
        Failure(405, "MethodNotAllowed", $"{method} is not supported on resources of kind \"{type.QualifiedPlural}\"", new JsonObject { ["group"] = type.Group, ["kind"] = type.Plural });

    /// <summary>An injected fault: the reason the API server uses for that code (errors.go reasonForCode), with Retry-After when asked.</summary>
    public static FakeResponse Fault(int code, string? message) => Failure(code, ReasonFor(code), message ?? $"Injected by a fault rule of the fake Kubernetes API server ({code}).", new JsonObject());

    /// <summary>Details name the resource (plural) except for 422, which names the Kind.</summary>
    private static JsonObject Details(ResourceType type, string? name, bool kindName = false)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }

        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = kindName ? type.Kind : type.Plural;
        return details;
    }

    private static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };
}
