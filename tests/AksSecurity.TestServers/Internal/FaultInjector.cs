namespace AksSecurity.TestServers.Internal;

/// <summary>Holds the injected fault rules and decides, request by request, which one fires.</summary>
internal sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<ActiveRule> _rules = [];

    public void Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Skip < 0 || rule.Times < 1)
        {
            throw new ArgumentException("Skip must be >= 0 and Times >= 1.", nameof(rule));
        }

        if (rule.Action == FaultAction.ConcurrentWrite && string.IsNullOrWhiteSpace(rule.JsonPath))
        {
            throw new ArgumentException("A ConcurrentWrite fault needs a JsonPath.", nameof(rule));
        }

        lock (_gate)
        {
            _rules.Add(new ActiveRule(rule.Clone()));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    /// <summary>Counts the request against every matching rule and returns the first rule that fires, if any.</summary>
    public FaultRule? Next(string method, string path, bool isArmRoute)
    {
        lock (_gate)
        {
            FaultRule? firing = null;
            foreach (var active in _rules.Where(r => r.Matches(method, path, isArmRoute)))
            {
                var seen = ++active.Seen;
                if (firing is null && seen > active.Rule.Skip)
                {
                    firing = active.Rule;
                }
            }

            _rules.RemoveAll(r => r.Seen >= r.Rule.Skip + r.Rule.Times);
            return firing;
        }
    }

    private sealed class ActiveRule(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;

        public int Seen { get; set; }

        public bool Matches(string method, string path, bool isArmRoute) =>
            (Rule.Method is null || Rule.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
            && (Rule.PathContains is null ? isArmRoute : path.Contains(Rule.PathContains, StringComparison.OrdinalIgnoreCase));
    }
}
