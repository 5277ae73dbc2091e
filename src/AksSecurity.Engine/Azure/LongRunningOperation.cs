using System.Diagnostics;
using global::Azure.Core;

namespace AksSecurity.Engine.Azure;

/// <summary>
/// Follows an ARM long-running operation: the Azure-AsyncOperation URL (used exactly as given: it is signed and carries
/// its own api-version), else the Location URL, until Succeeded, Failed or Canceled.
/// </summary>
internal static class LongRunningOperation
{
    /// <summary>
    /// The service's Retry-After when it sends one (never below the floor); otherwise 1 s, 2 s, 4 s … up to the poll
    /// interval, so quick operations are seen to finish quickly and long ones are not polled hard.
    /// </summary>
    private static TimeSpan NextWait(ArmResponse response, ArmClientOptions options, int polls)
    {
        var backoff = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(polls, 10)));
        var wait = response.RetryAfter ?? (backoff < options.PollInterval ? backoff : options.PollInterval);
        return wait < options.MinimumPollInterval ? options.MinimumPollInterval : wait;
    }

    public static async Task WaitAsync(ArmClient client, ArmResponse started, string target, string activity, IOperationSink sink, CancellationToken cancellationToken)
    {
        var asyncOperation = started.Header("Azure-AsyncOperation");
        var location = started.Header("Location");
        if (asyncOperation is null && location is null)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        var polls = 0;
        var wait = NextWait(started, client.Options, polls);
        var status = "InProgress";
        while (true)
        {
            if (stopwatch.Elapsed > client.Options.OperationTimeout)
            {
                throw new AksSecurityException(AksErrorKind.OperationTimeout,
                    $"{activity} on {target} did not finish within {Hardening.GoDuration.Describe(client.Options.OperationTimeout)} (last status: {status}). It may still complete in Azure; check the cluster's provisioningState.", target);
            }

            sink.Progress(activity, $"{status} ({stopwatch.Elapsed:mm\\:ss} elapsed)", -1);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);

            var poll = await client.SendAsync(RequestMethod.Get, asyncOperation ?? location!, null, null, sink, cancellationToken).ConfigureAwait(false);
            wait = NextWait(poll, client.Options, ++polls);
            if (asyncOperation is null)
            {
                // Location polling: 202 while running, 200/204 when done.
                if (poll.Status == 202)
                {
                    continue;
                }

                if (!poll.IsSuccess)
                {
                    throw ArmErrors.ToException(poll, target, activity);
                }

                return;
            }

            if (!poll.IsSuccess)
            {
                throw ArmErrors.ToException(poll, target, $"follow the operation '{activity}'");
            }

            status = poll.Body?["status"]?.GetValue<string>() ?? "InProgress";
            switch (status.ToLowerInvariant())
            {
                case "succeeded":
                    sink.Verbose($"{activity} on {target} succeeded after {stopwatch.Elapsed.TotalSeconds:0.#} s.");
                    return;
                case "failed":
                case "canceled":
                case "cancelled":
                    var error = poll.Body?["error"];
                    var code = error?["code"]?.GetValue<string>();
                    throw new AksSecurityException(AksErrorKind.OperationFailed,
                        $"{activity} on {target} ended {status}: {(code is null ? "" : code + ": ")}{error?["message"]?.GetValue<string>() ?? "no reason given"}", target)
                    {
                        ArmErrorCode = code,
                        RequestId = poll.RequestId,
                    };
            }
        }
    }
}
