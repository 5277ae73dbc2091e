using System.Text.RegularExpressions;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Kubernetes label keys, label values and label selectors, checked as the API server and
/// k8s.io/apimachinery/pkg/labels.Parse (which kured uses for --blocking-pod-selector) check them, so a bad value is
/// refused here instead of making the kured pods crash-loop.
/// </summary>
public static partial class LabelSyntax
{
    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePart();

    /// <summary>A qualified name (label key, annotation key): an optional DNS subdomain prefix and "/", then a name of at most 63 characters.</summary>
    public static bool IsQualifiedName(string? text, out string error)
    {
        text ??= "";
        var slash = text.IndexOf('/');
        var name = slash < 0 ? text : text[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = text[..slash];
            if (prefix.Length == 0 || !KubernetesNameRules.IsSubdomain(prefix))
            {
                error = $"'{text}' has a bad prefix: before the '/' must be a DNS subdomain (lower case letters, digits, '-' and '.'; at most 253 characters).";
                return false;
            }
        }

        if (name.Length == 0 || name.Length > 63 || !NamePart().IsMatch(name))
        {
            error = $"'{text}' is not a valid key: the name (after an optional 'prefix/') must be 1 to 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit.";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>A label value: empty, or at most 63 letters, digits, '-', '_', '.', beginning and ending with a letter or digit.</summary>
    public static bool IsLabelValue(string? text, out string error)
    {
        text ??= "";
        if (text.Length == 0 || (text.Length <= 63 && NamePart().IsMatch(text)))
        {
            error = "";
            return true;
        }

        error = $"'{text}' is not a valid label value: at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit.";
        return false;
    }

    /// <summary>
    /// A label selector in the string form: requirements separated by commas, each <c>key</c>, <c>!key</c>,
    /// <c>key=value</c>, <c>key==value</c>, <c>key!=value</c>, <c>key in (v1,v2)</c>, <c>key notin (v1,v2)</c>,
    /// <c>key&gt;N</c> or <c>key&lt;N</c>.
    /// </summary>
    public static bool IsSelector(string? text, out string error)
    {
        var selector = text?.Trim() ?? "";
        if (selector.Length == 0)
        {
            error = "An empty selector matches every pod: give at least one requirement, such as app=batch.";
            return false;
        }

        foreach (var requirement in SplitRequirements(selector, out error))
        {
            if (!IsRequirement(requirement.Trim(), out var reason))
            {
                error = $"'{selector}' is not a label selector: {reason}";
                return false;
            }
        }

        if (error.Length > 0)
        {
            error = $"'{selector}' is not a label selector: {error}";
            return false;
        }

        return true;
    }

    // Commas inside "in (a,b)" belong to the set, not between requirements.
    private static List<string> SplitRequirements(string selector, out string error)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        error = "";
        for (var i = 0; i < selector.Length; i++)
        {
            switch (selector[i])
            {
                case '(':
                    depth++;
                    if (depth > 1)
                    {
                        error = "parentheses cannot nest.";
                    }

                    break;
                case ')':
                    depth--;
                    if (depth < 0)
                    {
                        error = "a ')' has no matching '('.";
                        depth = 0;
                    }

                    break;
                case ',' when depth == 0:
                    parts.Add(selector[start..i]);
                    start = i + 1;
                    break;
            }
        }

        if (depth != 0 && error.Length == 0)
        {
            error = "a '(' is not closed.";
        }

        parts.Add(selector[start..]);
        return parts;
    }

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s+(?<op>in|notin)\s*\((?<values>[^()]*)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex SetRequirement();

    [GeneratedRegex(@"^(?<key>[^\s!=<>(),]+)\s*(?<op>==|!=|=|>|<)\s*(?<value>[^\s!=<>(),]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ValueRequirement();

    [GeneratedRegex(@"^(?<not>!?)\s*(?<key>[^\s!=<>(),]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ExistsRequirement();

    private static bool IsRequirement(string requirement, out string reason)
    {
        if (requirement.Length == 0)
        {
            reason = "it has an empty requirement (two commas in a row, or a comma at an end).";
            return false;
        }

        if (SetRequirement().Match(requirement) is { Success: true } set)
        {
            if (!IsQualifiedName(set.Groups["key"].Value, out reason))
            {
                return false;
            }

            var values = set.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToArray();
            foreach (var value in values)
            {
                if (!IsLabelValue(value, out reason))
                {
                    return false;
                }
            }

            reason = "";
            return true;
        }

        if (ValueRequirement().Match(requirement) is { Success: true } comparison)
        {
            if (!IsQualifiedName(comparison.Groups["key"].Value, out reason))
            {
                return false;
            }

            var value = comparison.Groups["value"].Value;
            if (comparison.Groups["op"].Value is ">" or "<")
            {
                if (!long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    reason = $"'{requirement}' compares with '{value}', which is not a whole number ('>' and '<' need one).";
                    return false;
                }

                return true;
            }

            return IsLabelValue(value, out reason);
        }

        if (ExistsRequirement().Match(requirement) is { Success: true } exists)
        {
            return IsQualifiedName(exists.Groups["key"].Value, out reason);
        }

        reason = $"'{requirement}' is not a requirement: use key, !key, key=value, key!=value, key in (a,b) or key notin (a,b).";
        return false;
    }
}
