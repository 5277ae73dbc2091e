using AksSecurity.Engine.Tools.Kured;

namespace AksSecurity.Engine.Tests.Tools.Kured;

public class KuredLockTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    // The shapes pkg/daemonsetlock writes (README of the kured fixture): Go's RFC3339Nano time, TTL in nanoseconds.
    internal const string SingleLock = "{\"nodeID\":\"aks-nodepool1-12345678-vmss000001\",\"metadata\":{\"unschedulable\":false},\"created\":\"2026-11-27T07:30:00.123456789Z\",\"TTL\":3600000000000}";
    internal const string MultiLock = "{\"maxOwners\":2,\"locks\":[{\"nodeID\":\"aks-nodepool1-12345678-vmss000000\",\"metadata\":{\"unschedulable\":true},\"created\":\"2026-11-27T05:00:00Z\",\"TTL\":3600000000000},{\"nodeID\":\"aks-nodepool1-12345678-vmss000002\",\"metadata\":{\"unschedulable\":false},\"created\":\"2026-11-27T07:59:00Z\",\"TTL\":0}]}";

    [Fact]
    public void Reads_the_single_owner_form()
    {
        Assert.True(KuredLock.TryParse(SingleLock, out var state, out var error), error);
        Assert.Null(state.MaxOwners);
        var holder = Assert.Single(state.Holders);
        Assert.Equal("aks-nodepool1-12345678-vmss000001", holder.NodeId);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 7, 30, 0, TimeSpan.Zero).AddTicks(1234567), holder.Created);
        Assert.Equal(TimeSpan.FromHours(1), holder.Ttl);
        Assert.False(holder.WasUnschedulable);
        Assert.False(holder.IsExpired(Now));
        Assert.True(holder.IsExpired(Now.AddHours(1)));
    }

    [Fact]
    public void Reads_the_multi_owner_form()
    {
        Assert.True(KuredLock.TryParse(MultiLock, out var state, out var error), error);
        Assert.Equal(2, state.MaxOwners);
        Assert.Equal(new[] { "aks-nodepool1-12345678-vmss000000", "aks-nodepool1-12345678-vmss000002" }, state.Holders.Select(h => h.NodeId));
        Assert.True(state.Holders[0].WasUnschedulable);
        Assert.True(state.Holders[0].IsExpired(Now));
        // TTL 0 means the lock never expires.
        Assert.Null(state.Holders[1].Ttl);
        Assert.False(state.Holders[1].IsExpired(Now.AddDays(30)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{\"maxOwners\":2,\"locks\":null}")]
    [InlineData("{\"maxOwners\":3,\"locks\":[]}")]
    public void A_missing_or_released_lock_has_no_holders(string? annotation)
    {
        Assert.True(KuredLock.TryParse(annotation, out var state, out var error), error);
        Assert.Empty(state.Holders);
    }

    [Theory]
    [InlineData("aks-nodepool1-0", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"nodeID\":\"n1\",\"created\":\"yesterday\"}", "unexpected shape")]
    [InlineData("{\"nodeID\":42}", "unexpected shape")]
    public void A_damaged_lock_is_reported_not_thrown(string annotation, string expected)
    {
        Assert.False(KuredLock.TryParse(annotation, out var state, out var error));
        Assert.Contains(expected, error);
        Assert.Empty(state.Holders);
    }
}
