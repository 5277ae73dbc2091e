using System.Text.Json.Nodes;

namespace AksSecurity.TestServers.Kubernetes;

/// <summary>One metadata.managedFields entry, its fieldsV1 read as a set of leaf paths.</summary>
internal sealed class ManagedFieldsEntry
{
    public required string Manager { get; init; }

    /// <summary>"Apply" or "Update".</summary>
    public required string Operation { get; init; }

    public required string ApiVersion { get; set; }

    public required string Time { get; set; }

    public string? Subresource { get; init; }

    public HashSet<string> Fields { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Server-side apply and field ownership, simplified: ownership is tracked per leaf path (a scalar, an empty object,
/// or a whole list — lists are atomic here, where the real server merges keyed lists such as containers by name).
/// A path is a key sequence joined by <see cref="Separator"/>; it prints as ".spec.template" in messages.
/// </summary>
internal static class FieldManagement
{
    public const char Separator = '\u0001';

    /// <summary>metadata fields the server owns; never part of a manager's set.</summary>
    private static readonly HashSet<string> ServerMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields",
        "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
    };

    public static string Display(string path) => "." + path.Replace(Separator, '.');

    /// <summary>The leaf paths of an object's content (no apiVersion/kind, no server metadata, no status; nulls count as absent).</summary>
    public static HashSet<string> Leaves(JsonObject obj)
    {
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind" or "status" || value is null)
            {
                continue;
            }

            if (key == "metadata" && value is JsonObject metadata)
            {
                foreach (var (metaKey, metaValue) in metadata)
                {
                    if (!ServerMetadata.Contains(metaKey) && metaValue is not null)
                    {
                        Collect(metaValue, "metadata" + Separator + metaKey, leaves);
                    }
                }

                continue;
            }

            Collect(value, key, leaves);
        }

        return leaves;
    }

    public static JsonNode? Get(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var key in path.Split(Separator))
        {
            node = node is JsonObject map ? map[key] : null;
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    public static void Set(JsonObject obj, string path, JsonNode? value)
    {
        var keys = path.Split(Separator);
        var target = obj;
        foreach (var key in keys[..^1])
        {
            if (target[key] is not JsonObject child)
            {
                child = new JsonObject();
                target[key] = child;
            }

            target = child;
        }

        target[keys[^1]] = value;
    }

    /// <summary>Removes the leaf and the objects that become empty above it (but not the top-level sections' root).</summary>
    public static void Remove(JsonObject obj, string path)
    {
        var keys = path.Split(Separator);
        var chain = new List<JsonObject> { obj };
        foreach (var key in keys[..^1])
        {
            if (chain[^1][key] is not JsonObject child)
            {
                return;
            }

            chain.Add(child);
        }

        chain[^1].Remove(keys[^1]);
        for (var depth = chain.Count - 1; depth > 0 && chain[depth].Count == 0; depth--)
        {
            chain[depth - 1].Remove(keys[depth - 1]);
        }
    }

    public static bool Overlaps(string a, string b) =>
        a == b
        || (a.Length < b.Length && b.StartsWith(a, StringComparison.Ordinal) && b[a.Length] == Separator)
        || (b.Length < a.Length && a.StartsWith(b, StringComparison.Ordinal) && a[b.Length] == Separator);

    public static List<ManagedFieldsEntry> Read(JsonObject? obj)
    {
        var entries = new List<ManagedFieldsEntry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray array)
        {
            return entries;
        }

        foreach (var item in array.OfType<JsonObject>())
        {
            var entry = new ManagedFieldsEntry
            {
                Manager = item["manager"]?.GetValue<string>() ?? "",
                Operation = item["operation"]?.GetValue<string>() ?? "Update",
                ApiVersion = item["apiVersion"]?.GetValue<string>() ?? "",
                Time = item["time"]?.GetValue<string>() ?? "",
                Subresource = item["subresource"]?.GetValue<string>(),
            };
            if (item["fieldsV1"] is JsonObject fields)
            {
                ReadFieldsV1(fields, "", entry.Fields);
            }

            entries.Add(entry);
        }

        return entries;
    }

    public static JsonArray Write(IEnumerable<ManagedFieldsEntry> entries) =>
        new(entries.Where(e => e.Fields.Count > 0).Select(e =>
        {
            var item = new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = e.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldsV1(e.Fields),
            };
            if (e.Subresource is not null)
            {
                item["subresource"] = e.Subresource;
            }

            return (JsonNode?)item;
        }).ToArray());

    /// <summary>
    /// Applies <paramref name="desired"/> for <paramref name="manager"/> over <paramref name="live"/> (null = create).
    /// Returns the new object (managedFields written) or the conflicts when another manager owns a field whose value
    /// would change and <paramref name="force"/> is false.
    /// </summary>
    public static (JsonObject? Result, IReadOnlyList<(ManagedFieldsEntry Owner, string Path)> Conflicts) Apply(
        JsonObject? live, JsonObject desired, string manager, bool force, string now)
    {
        var desiredPaths = Leaves(desired);
        var entries = Read(live);
        var result = live?.DeepClone().AsObject() ?? new JsonObject();
        var conflicts = new List<(ManagedFieldsEntry, string)>();
        var changing = desiredPaths.Where(p => !JsonNode.DeepEquals(Get(result, p), Get(desired, p))).ToArray();
        foreach (var path in changing)
        {
            foreach (var other in entries.Where(e => !IsApplier(e, manager)))
            {
                var owned = other.Fields.FirstOrDefault(f => Overlaps(f, path));
                if (owned is not null)
                {
                    conflicts.Add((other, owned));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            return (null, conflicts.DistinctBy(c => (c.Item1.Manager, c.Item1.Operation, c.Item2)).ToArray());
        }

        // Ownership of a changed field moves to the applier (force takes it from the others).
        foreach (var other in entries.Where(e => !IsApplier(e, manager)))
        {
            other.Fields.RemoveWhere(f => changing.Any(p => Overlaps(f, p)));
        }

        var mine = entries.FirstOrDefault(e => IsApplier(e, manager));
        var previouslyApplied = mine?.Fields ?? [];
        foreach (var dropped in previouslyApplied.Where(p => !desiredPaths.Contains(p)).ToArray())
        {
            if (!entries.Any(e => !IsApplier(e, manager) && e.Fields.Any(f => Overlaps(f, dropped))) && !desiredPaths.Any(p => Overlaps(p, dropped)))
            {
                Remove(result, dropped);
            }
        }

        foreach (var path in desiredPaths)
        {
            Set(result, path, Get(desired, path)!.DeepClone());
        }

        var apiVersion = desired["apiVersion"]?.GetValue<string>() ?? "";
        if (mine is null)
        {
            mine = new ManagedFieldsEntry { Manager = manager, Operation = "Apply", ApiVersion = apiVersion, Time = now };
            entries.Add(mine);
        }

        var setChanged = !mine.Fields.SetEquals(desiredPaths) || mine.ApiVersion != apiVersion;
        mine.Fields.Clear();
        mine.Fields.UnionWith(desiredPaths);
        mine.ApiVersion = apiVersion;
        if (setChanged || changing.Length > 0)
        {
            mine.Time = now;
        }

        result["metadata"] ??= new JsonObject();
        result["metadata"]!["managedFields"] = Write(entries);
        return (result, []);
    }

    /// <summary>
    /// An Update (create, PUT, merge patch) by <paramref name="manager"/>: it takes the fields whose value it changed
    /// (all of them on create); fields it removed are dropped from every manager.
    /// </summary>
    public static void RecordUpdate(JsonObject? live, JsonObject updated, string manager, string now)
    {
        var entries = Read(live);
        var newLeaves = Leaves(updated);
        var oldLeaves = live is null ? [] : Leaves(live);
        var changed = newLeaves.Where(p => live is null || !JsonNode.DeepEquals(Get(live, p), Get(updated, p))).ToHashSet(StringComparer.Ordinal);
        var removed = oldLeaves.Where(p => !newLeaves.Contains(p)).ToArray();
        foreach (var entry in entries)
        {
            entry.Fields.RemoveWhere(f => removed.Any(r => Overlaps(f, r)) || (entry.Manager != manager || entry.Operation != "Update") && changed.Any(c => Overlaps(f, c)));
        }

        if (changed.Count > 0)
        {
            var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource is null);
            if (mine is null)
            {
                mine = new ManagedFieldsEntry { Manager = manager, Operation = "Update", ApiVersion = updated["apiVersion"]?.GetValue<string>() ?? "", Time = now };
                entries.Add(mine);
            }

            mine.Fields.UnionWith(changed);
            mine.Time = now;
        }

        updated["metadata"] ??= new JsonObject();
        updated["metadata"]!["managedFields"] = Write(entries);
    }

    /// <summary>The apply conflict message of conflict.go: one conflict inline, several grouped by manager.</summary>
    public static string ConflictMessage(IReadOnlyList<(ManagedFieldsEntry Owner, string Path)> conflicts)
    {
        if (conflicts.Count == 1)
        {
            return $"Apply failed with 1 conflict: conflict with {PrintManager(conflicts[0].Owner)}: {Display(conflicts[0].Path)}";
        }

        var lines = conflicts.GroupBy(c => PrintManager(c.Owner)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => new[] { $"conflicts with {g.Key}:" }.Concat(g.Select(c => $"- {Display(c.Path)}")));
        return $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
    }

    /// <summary>printManager of conflict.go: "name", plus "using apiVersion at time" for Update managers.</summary>
    public static string PrintManager(ManagedFieldsEntry entry)
    {
        var name = $"\"{entry.Manager}\"";
        if (entry.Subresource is not null)
        {
            name += $" with subresource \"{entry.Subresource}\"";
        }

        return entry.Operation == "Update" ? $"{name} using {entry.ApiVersion}" + (entry.Time.Length > 0 ? $" at {entry.Time}" : "") : name;
    }

    private static bool IsApplier(ManagedFieldsEntry entry, string manager) => entry.Manager == manager && entry.Operation == "Apply" && entry.Subresource is null;

    private static void Collect(JsonNode value, string path, HashSet<string> leaves)
    {
        if (value is JsonObject map && map.Count > 0)
        {
            foreach (var (key, child) in map)
            {
                if (child is not null)
                {
                    Collect(child, path + Separator + key, leaves);
                }
            }

            return;
        }

        leaves.Add(path);
    }

    private static JsonObject FieldsV1(IEnumerable<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var key in path.Split(Separator))
            {
                if (node["f:" + key] is not JsonObject child)
                {
                    child = new JsonObject();
                    node["f:" + key] = child;
                }

                node = child;
            }
        }

        return root;
    }

    /// <summary>f:key recurses; an empty object is a leaf; k:/v:/i: (list items, from seeded real objects) make the list an atomic leaf.</summary>
    private static void ReadFieldsV1(JsonObject fields, string prefix, HashSet<string> into)
    {
        if (prefix.Length > 0 && (fields.Count == 0 || fields.Any(p => p.Key.StartsWith("k:", StringComparison.Ordinal) || p.Key.StartsWith("v:", StringComparison.Ordinal) || p.Key.StartsWith("i:", StringComparison.Ordinal))))
        {
            into.Add(prefix);
            return;
        }

        foreach (var (key, child) in fields)
        {
            if (key.StartsWith("f:", StringComparison.Ordinal) && child is JsonObject next)
            {
                ReadFieldsV1(next, prefix.Length == 0 ? key[2..] : prefix + Separator + key[2..], into);
            }
        }
    }
}
