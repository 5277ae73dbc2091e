using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>One object of a plan: what will happen to it, the fields that change (Update) and the manifest to apply (Create/Update).</summary>
internal sealed record PlannedObject(KubernetesObjectRef Ref, string Action, IReadOnlyList<string> Fields, JsonObject? Desired)
{
    public const string Create = "Create";
    public const string Update = "Update";
    public const string Unchanged = "Unchanged";
    public const string Delete = "Delete";
}

/// <summary>
/// What an install or uninstall would do to one cluster, found with GETs only: objects to create, update (with the exact
/// fields, old → new), leave, or delete. Ordered for applying: namespaces, CRDs, service accounts, roles, bindings, config,
/// then workloads; deletes in the reverse order.
/// </summary>
public sealed class KubernetesApplyPlan
{
    internal KubernetesApplyPlan(string cluster, string component, IReadOnlyList<PlannedObject> objects, IReadOnlyList<string> warnings)
    {
        Cluster = cluster;
        Component = component;
        Objects = objects;
        Warnings = warnings;
        Changes = objects.Select(o => new KubernetesObjectChange
        {
            Cluster = cluster,
            ApiVersion = o.Ref.ApiVersion,
            Kind = o.Ref.Kind,
            Namespace = o.Ref.Namespace,
            Name = o.Ref.Name,
            Action = o.Action,
            Fields = o.Fields,
        }).ToArray();
    }

    public string Cluster { get; }

    public string Component { get; }

    /// <summary>True when nothing would be created, changed or deleted.</summary>
    public bool IsEmpty => Objects.All(o => o.Action == PlannedObject.Unchanged);

    /// <summary>Things the user should know before confirming (objects AksSecurity did not create that it would take over).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Every object of the plan, unchanged ones included, with the plan's action.</summary>
    public IReadOnlyList<KubernetesObjectChange> Changes { get; }

    internal IReadOnlyList<PlannedObject> Objects { get; }

    /// <summary>One line per object that changes, with its changed fields indented below, for ShouldProcess.</summary>
    public string Describe()
    {
        var lines = new List<string>();
        foreach (var change in Objects.Where(o => o.Action != PlannedObject.Unchanged))
        {
            lines.Add($"{change.Action} {change.Ref}");
            lines.AddRange(change.Fields.Select(f => "    " + f));
        }

        return lines.Count == 0 ? "No change." : string.Join(Environment.NewLine, lines);
    }

    /// <summary>Apply order of a kind: dependencies first.</summary>
    internal static int Rank(string kind) => kind switch
    {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        "ServiceAccount" => 2,
        "ClusterRole" or "Role" => 3,
        "ClusterRoleBinding" or "RoleBinding" => 4,
        "ConfigMap" or "Secret" or "PriorityClass" => 5,
        _ => 6,
    };
}
