namespace AksSecurity.TestServers.Internal;

/// <summary>The thread-safe list of recorded requests, kept in arrival order.</summary>
internal sealed class RequestJournal
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private int _lastSequence;

    /// <summary>Sequence numbers are handed out on arrival and never reused, even across <see cref="Clear"/>.</summary>
    public int NextSequence() => Interlocked.Increment(ref _lastSequence);

    public void Add(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            // Concurrent requests finish out of order; the journal reads in arrival order.
            return _requests.OrderBy(r => r.Sequence).ToArray();
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }
}
