namespace AksSecurity;

/// <summary>
/// One Kubernetes object an install or uninstall planned or changed. <see cref="Action"/> is Create/Update/Delete in a
/// plan, and Created/Updated/Unchanged/Deleted once applied. <see cref="Fields"/> lists the changed fields as
/// "path: old → new" (Secret values as "(secret)").
/// </summary>
public sealed class KubernetesObjectChange
{
    public required string Cluster { get; init; }
    public required string Kind { get; init; }
    public string? Namespace { get; init; }
    public required string Name { get; init; }
    public required string Action { get; init; }
    public IReadOnlyList<string> Fields { get; init; } = Array.Empty<string>();

    /// <summary>apiVersion of the object (e.g. apps/v1), so the record names it exactly.</summary>
    public string ApiVersion { get; init; } = "";

    public override string ToString() => $"{Action} {Kind} {(Namespace is null ? "" : Namespace + "/")}{Name}";
}
