namespace AksSecurity.TestServers;

/// <summary>Behaviour knobs of <see cref="FakeArmServer"/>; may be changed while the server runs.</summary>
public sealed class FakeArmOptions
{
    /// <summary>Status polls answered with InProgress before the terminal status.</summary>
    public int LroPollsBeforeDone { get; set; } = 1;

    /// <summary>An operation also ends on its own after this long, even if nobody polls.</summary>
    public TimeSpan LroMaxDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retry-After on status polls; null leaves the header out.</summary>
    public int? LroRetryAfterSeconds { get; set; } = 0;

    /// <summary>"Succeeded", "Failed" or "Canceled".</summary>
    public string LroFinalStatus { get; set; } = "Succeeded";

    /// <summary>Lifetime of the tokens the fake issues.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>List page size; longer lists carry a nextLink.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The X-IDENTITY-HEADER value the managed identity endpoint expects.</summary>
    public string IdentityHeader { get; set; } = "fake-identity-header";

    /// <summary>Added to every ARM route (not the control API, not the token endpoints) before it is served, as a far-away ARM would.</summary>
    public int LatencyMs { get; set; }

    internal void CopyFrom(FakeArmOptions other)
    {
        LatencyMs = other.LatencyMs;
        LroPollsBeforeDone = other.LroPollsBeforeDone;
        LroMaxDuration = other.LroMaxDuration;
        LroRetryAfterSeconds = other.LroRetryAfterSeconds;
        LroFinalStatus = other.LroFinalStatus;
        TokenLifetimeSeconds = other.TokenLifetimeSeconds;
        PageSize = other.PageSize;
        IdentityHeader = other.IdentityHeader;
    }
}
