using global::Azure.Core;
using global::Azure.Core.Pipeline;

namespace AksSecurity.Engine.Azure;

/// <summary>Retry, timeout and polling settings of the ARM pipeline. Defaults suit real Azure; tests shorten them.</summary>
public sealed class ArmClientOptions : ClientOptions
{
    public ArmClientOptions()
    {
        Retry.Mode = RetryMode.Exponential;
        Retry.MaxRetries = 5;
        Retry.Delay = TimeSpan.FromSeconds(1);
        Retry.MaxDelay = TimeSpan.FromSeconds(60);
        Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        Diagnostics.ApplicationId = "AksSecurity";
        // Our own logging policy writes redacted lines to -Debug; Azure.Core's event-source logging stays off.
        Diagnostics.IsLoggingEnabled = false;
        Diagnostics.IsDistributedTracingEnabled = false;
    }

    /// <summary>Poll interval for long-running operations when the service sends no Retry-After.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Floor under the service's Retry-After, so "Retry-After: 0" cannot turn polling into a busy loop.</summary>
    public TimeSpan MinimumPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to follow one long-running operation before giving up (the operation goes on in Azure).</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMinutes(60);

    /// <summary>How long to wait for another party's operation on the cluster to end (HTTP 409) before failing.</summary>
    public TimeSpan BusyWaitTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Test hook: a transport that trusts the test servers' CA (full chain validation, no skip).</summary>
    internal HttpPipelineTransport? CustomTransport
    {
        set { if (value is not null) { Transport = value; } }
    }
}
