using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Clusters;

/// <summary>One field the plan changes: its path, the value read, and the value to write (null removes it).</summary>
public sealed record FieldChange(string Path, JsonNode? Before, JsonNode? After)
{
    public override string ToString() => $"{Path}: {JsonPaths.Display(Path, Before)} -> {JsonPaths.Display(Path, After)}";
}

/// <summary>
/// What a hardening control would change on a cluster document: empty when the cluster is already as asked.
/// Built against the freshly read document, and applied to that same document so every other field survives.
/// </summary>
public sealed class ChangePlan
{
    private readonly List<FieldChange> _changes = new();

    public IReadOnlyList<FieldChange> Changes => _changes;

    public bool IsEmpty => _changes.Count == 0;

    /// <summary>Things the user should know that do not stop the change (written as warnings).</summary>
    public List<string> Warnings { get; } = new();

    /// <summary>Adds a change unless the document already holds that value.</summary>
    public ChangePlan Set(JsonObject document, string path, JsonNode? value)
    {
        var current = JsonPaths.Get(document, path);
        if (!JsonPaths.DeepEquals(current, value))
        {
            _changes.Add(new FieldChange(path, current?.DeepClone(), value?.DeepClone()));
        }

        return this;
    }

    public void ApplyTo(JsonObject document)
    {
        foreach (var change in _changes)
        {
            JsonPaths.Set(document, change.Path, change.After);
        }
    }

    /// <summary>One line per change, as -WhatIf and -Verbose show them.</summary>
    public string Describe() => IsEmpty ? "no change" : string.Join(Environment.NewLine, _changes.Select(c => c.ToString()));

    public override string ToString() => Describe();
}
