using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tools.Kured;

namespace AksSecurity.Engine.Tests.Tools.Kured;

public class KuredChannelGuardTests
{
    [Theory]
    [InlineData("NodeImage")]
    [InlineData("SecurityPatch")]
    [InlineData("nodeimage")]
    public void Channels_where_aks_reboots_itself_are_refused_with_the_way_out(string channel)
    {
        var sink = new RecordingSink();
        var ex = Assert.Throws<AksSecurityException>(() => KuredChannelGuard.Check("aks1", channel, force: false, sink));
        Assert.Equal(AksErrorKind.NotSupported, ex.Kind);
        Assert.Contains(channel, ex.Message);
        Assert.Contains("redundant", ex.Message);
        Assert.Contains("-NodeOSUpgradeChannel Unmanaged", ex.Message);
        Assert.Contains("-Force", ex.Message);
        Assert.Empty(sink.Messages);
    }

    [Fact]
    public void Force_turns_the_refusal_into_a_warning()
    {
        var sink = new RecordingSink();
        KuredChannelGuard.Check("aks1", "NodeImage", force: true, sink);
        Assert.Contains(sink.Of("warning"), w => w.Contains("redundant") && w.Contains("-Force"));
    }

    [Theory]
    [InlineData("Unmanaged")]
    [InlineData("None")]
    public void Channels_without_aks_reboots_pass_quietly(string channel)
    {
        var sink = new RecordingSink();
        KuredChannelGuard.Check("aks1", channel, force: false, sink);
        Assert.Empty(sink.Of("warning"));
    }

    [Fact]
    public void An_unknown_channel_is_a_verbose_note()
    {
        var sink = new RecordingSink();
        KuredChannelGuard.Check("aks1", null, force: false, sink);
        Assert.Empty(sink.Of("warning"));
        Assert.Contains(sink.Of("verbose"), v => v.Contains("unknown"));
    }
}
