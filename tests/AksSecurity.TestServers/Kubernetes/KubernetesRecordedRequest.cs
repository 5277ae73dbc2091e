namespace AksSecurity.TestServers;

/// <summary>
/// One request the fake Kubernetes API server answered (control routes are not recorded). <paramref name="AuthKind"/>:
/// "None" (no credential), "Token" (a static bearer token), "EntraToken" (a token the fake ARM issued for the AKS server
/// application), "ClientCertificate", or "Rejected" (a credential the server refused with 401). The credential itself is never
/// recorded. <paramref name="Query"/> keeps its leading '?'. <paramref name="Status"/> is 0 when a fault reset the connection.
/// </summary>
public sealed record KubernetesRecordedRequest(
    int Sequence,
    string Method,
    string Path,
    string Query,
    string? ContentType,
    string AuthKind,
    string? User,
    string? Body,
    int Status,
    DateTimeOffset Time);
