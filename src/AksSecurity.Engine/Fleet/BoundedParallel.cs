using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace AksSecurity.Engine.Fleet;

/// <summary>What became of one item of <see cref="BoundedParallel.RunCapturingFailuresAsync{TIn, TOut}"/>: its result or its error.</summary>
public sealed record ItemOutcome<TIn, TOut>(TIn Item, TOut? Result, Exception? Error)
{
    public bool Succeeded => Error is null;
}

/// <summary>Runs per-item work (one cluster's reads and checks) concurrently under a bound, handing results over as they complete.</summary>
public static class BoundedParallel
{
    /// <summary>
    /// Starts <paramref name="work"/> for the items in their order, never more than <paramref name="throttleLimit"/> at once,
    /// and yields each result as soon as its work completes (completion order, not item order).
    /// </summary>
    /// <remarks>
    /// <para><b>Failures are isolated:</b> an item whose work throws does not cancel or lose the others. Every other item
    /// still runs and its result is yielded; when all have finished, the failure is thrown — the exception itself when one
    /// item failed, an <see cref="AggregateException"/> of them (in completion order) when several did. A caller that
    /// wants one error per item (one ErrorRecord per cluster) uses <see cref="RunCapturingFailuresAsync{TIn, TOut}"/>,
    /// which yields an <see cref="ItemOutcome{TIn, TOut}"/> per item instead of throwing.</para>
    /// <para><b>Cancellation:</b> when <paramref name="ct"/> is cancelled no further item starts, the running ones see the
    /// cancellation through the token passed to <paramref name="work"/>, and once they have ended an
    /// <see cref="OperationCanceledException"/> is thrown. A consumer that stops enumerating early cancels the running
    /// work the same way. In both cases no work is still running when the enumeration ends.</para>
    /// <para>Work runs on the thread pool, so a body that blocks before its first await does not hold up the others.</para>
    /// </remarks>
    public static async IAsyncEnumerable<TOut> RunAsync<TIn, TOut>(IEnumerable<TIn> items, int throttleLimit, Func<TIn, CancellationToken, Task<TOut>> work,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = new List<Task<TOut>>(throttleLimit);
        var failures = new List<Exception>();
        using var source = items.GetEnumerator();
        var more = true;
        try
        {
            while (true)
            {
                while (more && running.Count < throttleLimit && !ct.IsCancellationRequested && (more = source.MoveNext()))
                {
                    var item = source.Current;
                    running.Add(Task.Run(() => work(item, stop.Token)));
                }

                if (running.Count == 0)
                {
                    break;
                }

                var done = await Task.WhenAny(running).ConfigureAwait(false);
                running.Remove(done);
                var (succeeded, result) = await ObserveAsync(done, failures, ct).ConfigureAwait(false);
                if (succeeded)
                {
                    yield return result!;
                }
            }
        }
        finally
        {
            // Reached early only when the consumer stopped or enumerating the items threw: stop the work and wait for it.
            if (running.Count > 0)
            {
                stop.Cancel();
                await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)))
                    .ConfigureAwait(false);
            }
        }

        ct.ThrowIfCancellationRequested();
        if (failures.Count == 1)
        {
            ExceptionDispatchInfo.Capture(failures[0]).Throw();
        }

        if (failures.Count > 1)
        {
            throw new AggregateException($"{failures.Count} items failed.", failures);
        }
    }

    /// <summary>
    /// <see cref="RunAsync{TIn, TOut}"/> with each item's failure caught and handed over as an <see cref="ItemOutcome{TIn, TOut}"/>
    /// beside the successes, so the caller can report one error per item and carry on. Cancellation is not captured: it ends
    /// the enumeration with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static IAsyncEnumerable<ItemOutcome<TIn, TOut>> RunCapturingFailuresAsync<TIn, TOut>(IEnumerable<TIn> items, int throttleLimit,
        Func<TIn, CancellationToken, Task<TOut>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        return RunAsync(items, throttleLimit, async (item, token) =>
        {
            try
            {
                return new ItemOutcome<TIn, TOut>(item, await work(item, token).ConfigureAwait(false), null);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException && token.IsCancellationRequested))
            {
                return new ItemOutcome<TIn, TOut>(item, default, ex);
            }
        }, ct);
    }

    /// <summary>The task's result; its exception is recorded unless the run is being cancelled (then every failure is expected).</summary>
    private static async Task<(bool Succeeded, TOut? Result)> ObserveAsync<TOut>(Task<TOut> done, List<Exception> failures, CancellationToken ct)
    {
        try
        {
            var result = await done.ConfigureAwait(false);
            return (!ct.IsCancellationRequested, result);
        }
        catch (Exception ex)
        {
            if (!ct.IsCancellationRequested)
            {
                failures.Add(ex);
            }

            return (false, default);
        }
    }
}
