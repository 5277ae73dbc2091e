namespace AksSecurity.Engine.Checks;

/// <summary>Which checks of the catalogue an audit runs: -CheckId, -ExcludeCheckId (wildcards), -Severity, -Category.</summary>
public sealed class AuditSelection
{
    /// <summary>Ids or wildcard patterns to run; empty for every check.</summary>
    public IReadOnlyList<string> CheckIds { get; init; } = Array.Empty<string>();

    /// <summary>Ids or wildcard patterns to leave out.</summary>
    public IReadOnlyList<string> ExcludeCheckIds { get; init; } = Array.Empty<string>();

    /// <summary>Catalogue severities to run; empty for every severity.</summary>
    public IReadOnlyList<Severity> Severities { get; init; } = Array.Empty<Severity>();

    /// <summary>Categories to run; empty for every category.</summary>
    public IReadOnlyList<CheckCategory> Categories { get; init; } = Array.Empty<CheckCategory>();

    /// <summary>
    /// The selected checks in catalogue order. An id without wildcards that names no check is an error (a typo would
    /// otherwise pass silently), as is a selection that leaves nothing to run.
    /// </summary>
    public IReadOnlyList<SecurityCheck> Resolve()
    {
        var unknown = CheckIds.Concat(ExcludeCheckIds).Where(id => !Wildcard.HasWildcards(id) && CheckCatalog.Find(id) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"No check has the id {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Get-AksSecurityCheck lists the catalogue.", string.Join(",", unknown));
        }

        var selected = CheckCatalog.All
            .Where(c => CheckIds.Count == 0 || CheckIds.Any(p => Wildcard.IsMatch(c.Id, p)))
            .Where(c => !ExcludeCheckIds.Any(p => Wildcard.IsMatch(c.Id, p)))
            .Where(c => Severities.Count == 0 || Severities.Contains(c.Severity))
            .Where(c => Categories.Count == 0 || Categories.Contains(c.Category))
            .ToArray();
        if (selected.Length == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"No check matches the selection ({Describe()}). Get-AksSecurityCheck lists the catalogue.", "CheckId");
        }

        return selected;
    }

    private string Describe()
    {
        var parts = new List<string>();
        if (CheckIds.Count > 0)
        {
            parts.Add($"CheckId {string.Join(", ", CheckIds)}");
        }

        if (ExcludeCheckIds.Count > 0)
        {
            parts.Add($"ExcludeCheckId {string.Join(", ", ExcludeCheckIds)}");
        }

        if (Severities.Count > 0)
        {
            parts.Add($"Severity {string.Join(", ", Severities)}");
        }

        if (Categories.Count > 0)
        {
            parts.Add($"Category {string.Join(", ", Categories)}");
        }

        return parts.Count == 0 ? "everything" : string.Join("; ", parts);
    }
}
