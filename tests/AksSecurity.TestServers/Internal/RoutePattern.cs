namespace AksSecurity.TestServers.Internal;

/// <summary>
/// A path template such as "subscriptions/{sub}/resourcegroups/{rg}"; literal segments match case-insensitively,
/// as ARM does.
/// </summary>
internal sealed class RoutePattern
{
    private readonly string[] _segments;

    public RoutePattern(string template) => _segments = template.Split('/');

    public bool TryMatch(string[] path, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path.Length != _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < path.Length; i++)
        {
            var segment = _segments[i];
            if (segment.StartsWith('{'))
            {
                values[segment[1..^1]] = Uri.UnescapeDataString(path[i]);
            }
            else if (!segment.Equals(path[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
