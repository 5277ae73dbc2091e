using AksSecurity.Engine.Fleet;

namespace AksSecurity.Engine.Tests.Fleet;

public sealed class BoundedParallelTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public async Task Never_runs_more_than_the_throttle_limit_at_once_and_runs_every_item()
    {
        var running = 0;
        var peak = 0;
        var results = await CollectAsync(BoundedParallel.RunAsync(Enumerable.Range(1, 40), 4, async (item, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(10, ct);
            Interlocked.Decrement(ref running);
            return item * 2;
        }, CancellationToken.None));

        Assert.Equal(4, peak);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => i * 2), results.Order());
    }

    [Fact]
    public async Task Yields_results_in_the_order_their_work_completes()
    {
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        await using var results = BoundedParallel.RunAsync([0, 1, 2], 3, (item, ct) => gates[item].Task, CancellationToken.None).GetAsyncEnumerator();

        gates[2].SetResult("third started, first done");
        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("third started, first done", results.Current);
        gates[0].SetResult("first started, second done");
        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("first started, second done", results.Current);
        gates[1].SetResult("last");
        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal("last", results.Current);
        Assert.False(await results.MoveNextAsync());
    }

    [Fact]
    public async Task A_result_is_handed_over_while_slower_items_still_run()
    {
        var slow = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var results = BoundedParallel.RunAsync([1, 2], 2, (item, ct) => item == 1 ? slow.Task : Task.FromResult(item), CancellationToken.None)
            .GetAsyncEnumerator();

        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(2, results.Current);
        Assert.False(slow.Task.IsCompleted);
        slow.SetResult(1);
        Assert.True(await results.MoveNextAsync());
        Assert.Equal(1, results.Current);
    }

    [Fact]
    public async Task A_failing_item_loses_no_other_result_and_its_exception_comes_last()
    {
        var results = new List<int>();
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var result in BoundedParallel.RunAsync(Enumerable.Range(1, 10), 3, async (item, ct) =>
            {
                await Task.Delay(item == 3 ? 1 : 20, ct);
                return item == 3 ? throw new InvalidOperationException("item 3 failed") : item;
            }, CancellationToken.None))
            {
                results.Add(result);
            }
        });

        Assert.Equal("item 3 failed", failure.Message);
        Assert.Equal([1, 2, 4, 5, 6, 7, 8, 9, 10], results.Order());
    }

    [Fact]
    public async Task Several_failures_are_thrown_together_after_every_success()
    {
        var results = new List<int>();
        var failure = await Assert.ThrowsAsync<AggregateException>(async () =>
        {
            await foreach (var result in BoundedParallel.RunAsync(Enumerable.Range(1, 6), 2,
                (item, ct) => item % 2 == 0 ? Task.FromException<int>(new InvalidOperationException($"item {item}")) : Task.FromResult(item), CancellationToken.None))
            {
                results.Add(result);
            }
        });

        Assert.Equal(["item 2", "item 4", "item 6"], failure.InnerExceptions.Select(e => e.Message).Order());
        Assert.Equal([1, 3, 5], results.Order());
    }

    [Fact]
    public async Task Capturing_failures_gives_one_outcome_per_item_with_its_error()
    {
        var outcomes = await CollectAsync(BoundedParallel.RunCapturingFailuresAsync(["a", "bad", "c"], 2,
            (item, ct) => item == "bad" ? throw new FormatException("not a cluster") : Task.FromResult(item.ToUpperInvariant()), CancellationToken.None));

        Assert.Equal(3, outcomes.Count);
        var failed = Assert.Single(outcomes, o => !o.Succeeded);
        Assert.Equal("bad", failed.Item);
        Assert.IsType<FormatException>(failed.Error);
        Assert.Equal(["A", "C"], outcomes.Where(o => o.Succeeded).Select(o => o.Result).Order());
    }

    [Fact]
    public async Task Cancellation_starts_nothing_more_cancels_the_running_work_and_waits_for_it()
    {
        using var cancel = new CancellationTokenSource();
        var started = 0;
        var stillRunning = 0;
        var results = new List<int>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var result in BoundedParallel.RunAsync(Enumerable.Range(1, 100), 3, async (item, ct) =>
            {
                Interlocked.Increment(ref started);
                Interlocked.Increment(ref stillRunning);
                try
                {
                    if (item > 3)
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }

                    return item;
                }
                finally
                {
                    Interlocked.Decrement(ref stillRunning);
                }
            }, cancel.Token))
            {
                results.Add(result);
                if (results.Count == 3)
                {
                    cancel.Cancel();
                }
            }
        }).WaitAsync(Patience);

        Assert.Equal(0, Volatile.Read(ref stillRunning));
        Assert.InRange(started, 3, 6);
        Assert.Equal([1, 2, 3], results.Order());
    }

    [Fact]
    public async Task A_consumer_that_stops_early_cancels_the_running_work()
    {
        var cancelled = 0;
        await foreach (var result in BoundedParallel.RunAsync(Enumerable.Range(1, 10), 4, async (item, ct) =>
        {
            if (item == 1)
            {
                return item;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return item;
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
        }, CancellationToken.None))
        {
            Assert.Equal(1, result);
            break;
        }

        Assert.Equal(3, cancelled);
    }

    [Fact]
    public async Task Work_that_blocks_before_its_first_await_does_not_hold_up_the_others()
    {
        using var release = new ManualResetEventSlim();
        await using var results = BoundedParallel.RunAsync([1, 2], 2, (item, ct) =>
        {
            if (item == 1)
            {
                release.Wait(ct);
            }

            return Task.FromResult(item);
        }, CancellationToken.None).GetAsyncEnumerator();

        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(2, results.Current);
        release.Set();
        Assert.True(await results.MoveNextAsync().AsTask().WaitAsync(Patience));
        Assert.Equal(1, results.Current);
    }

    [Fact]
    public async Task A_throttle_limit_below_one_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => CollectAsync(BoundedParallel.RunAsync([1], 0, (item, ct) => Task.FromResult(item), CancellationToken.None)));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
