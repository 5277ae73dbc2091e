using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// The labels that mark what AksSecurity installed, so an uninstall removes exactly that and nothing else.
/// Only metadata.labels are set: a workload's pod template labels are its selector's business and are left alone.
/// </summary>
public static class KubernetesOwnership
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "AksSecurity";
    public const string ComponentLabel = "aks-security.io/component";

    /// <summary>Adds both labels to <paramref name="obj"/> (in place) and returns it.</summary>
    public static JsonObject Mark(JsonObject obj, string component)
    {
        if (string.IsNullOrWhiteSpace(component))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "A component name is required to mark an object.", nameof(component));
        }

        if (obj["metadata"] is not JsonObject metadata)
        {
            metadata = new JsonObject();
            obj["metadata"] = metadata;
        }

        if (metadata["labels"] is not JsonObject labels)
        {
            labels = new JsonObject();
            metadata["labels"] = labels;
        }

        labels[ManagedByLabel] = ManagedByValue;
        labels[ComponentLabel] = component;
        return obj;
    }

    /// <summary>The label selector of one component's objects.</summary>
    public static string Selector(string component) => $"{ManagedByLabel}={ManagedByValue},{ComponentLabel}={component}";

    /// <summary>True when the object carries our managed-by label and this component's label.</summary>
    public static bool IsOwnedBy(JsonObject obj, string component) =>
        obj["metadata"]?["labels"] is JsonObject labels
        && labels[ManagedByLabel] is JsonValue managedBy && managedBy.TryGetValue<string>(out var by) && by == ManagedByValue
        && labels[ComponentLabel] is JsonValue owner && owner.TryGetValue<string>(out var name) && name == component;
}
