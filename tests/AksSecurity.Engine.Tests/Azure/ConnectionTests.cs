using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.Azure;

public sealed class ConnectionTests : IClassFixture<FakeArmFixture>
{
    private readonly FakeArmFixture _arm;

    public ConnectionTests(FakeArmFixture arm)
    {
        _arm = arm;
        arm.Server.Reset();
    }

    [Fact]
    public async Task Custom_endpoint_discovers_its_audience_and_lists_subscriptions_with_the_token()
    {
        var connection = await _arm.ConnectAsync();

        Assert.Equal("Custom", connection.Context.Environment);
        Assert.Equal(FakeArmFixture.Subscription0, connection.SubscriptionId);
        Assert.Equal("AksSecurity Test 1", connection.Context.SubscriptionName);
        var list = Assert.Single(_arm.Server.Requests, r => r.Path == "/subscriptions");
        Assert.Equal("Bearer <redacted>", list.Headers["Authorization"]);
    }

    [Fact]
    public async Task Subscription_is_found_by_display_name()
    {
        var connection = await _arm.ConnectAsync(subscription: "aksSecurity test 2");
        Assert.Equal(FakeArmFixture.Subscription1, connection.SubscriptionId);
    }

    [Fact]
    public async Task Unknown_subscription_is_object_not_found()
    {
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => _arm.ConnectAsync(subscription: "Contoso Nowhere"));
        Assert.Equal(AksErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains("Contoso Nowhere", ex.Message);
    }

    [Fact]
    public async Task Http_endpoints_are_refused()
    {
        var request = new ConnectionRequest { Method = AuthenticationMethod.AccessToken, AccessToken = FakeArmFixture.Secure("t"), ArmEndpoint = "http://127.0.0.1:1/" };
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ArmConnection.ConnectAsync(request, new RecordingSink(), CancellationToken.None));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Contains("https://", ex.Message);
    }

    [Fact]
    public async Task Unreachable_arm_is_a_connection_error_after_bounded_retries()
    {
        var request = new ConnectionRequest
        {
            Method = AuthenticationMethod.AccessToken, AccessToken = FakeArmFixture.Secure("t"),
            ArmEndpoint = "https://127.0.0.1:9/", ArmAudience = FakeArmFixture.Audience, AuthorityHost = "https://127.0.0.1:9/",
        };
        var sink = new RecordingSink();
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() => ArmConnection.ConnectAsync(request, sink, CancellationToken.None));
        Assert.Equal(AksErrorKind.ConnectionError, ex.Kind);
        Assert.Contains("after 4 attempts", ex.Message);
        Assert.Equal(4, sink.Of("debug").Count(l => l.Contains("GET https://127.0.0.1:9/subscriptions")));
    }

    [Fact]
    public async Task Expired_token_is_an_authentication_error_with_arms_code()
    {
        var expired = $"fake-at.{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}.{Guid.NewGuid()}";
        var ex = await Assert.ThrowsAsync<AksSecurityException>(() =>
            ArmConnection.ConnectAsync(_arm.TokenRequest(expired), new RecordingSink(), CancellationToken.None));
        Assert.Equal(AksErrorKind.AuthenticationError, ex.Kind);
        Assert.Equal("ExpiredAuthenticationToken", ex.ArmErrorCode);
    }

    [Fact]
    public async Task Service_principal_tokens_are_refreshed_when_they_expire_mid_run()
    {
        // Tokens live 3 s and the operation takes longer: the first token expires while we poll.
        _arm.Server.Options.TokenLifetimeSeconds = 3;
        _arm.Server.Options.LroPollsBeforeDone = 4;
        _arm.Server.Options.LroMaxDuration = TimeSpan.FromSeconds(30);
        _arm.Server.Options.LroRetryAfterSeconds = 1;
        try
        {
            var request = new ConnectionRequest
            {
                Method = AuthenticationMethod.ServicePrincipalSecret,
                TenantId = "72f988bf-0000-0000-0000-000000000000",
                ClientId = "11111111-2222-3333-4444-555555555555",
                ClientSecret = FakeArmFixture.Secure("s3cr3t-value"),
                ArmEndpoint = _arm.Server.BaseUri.AbsoluteUri,
            };
            var sink = new RecordingSink();
            var connection = await ArmConnection.ConnectAsync(request, sink, CancellationToken.None);
            var clusters = new AksSecurity.Engine.Clusters.ManagedClusterClient(connection);
            var id = AksSecurity.Engine.Clusters.ClusterResourceId.Parse(FakeArmFixture.ClusterId("rg1", "clustername1"));
            var (current, _) = await clusters.PlanAsync(id, new AksSecurity.Engine.Hardening.ApiServerAccessChange(new() { DisableRunCommand = true }), sink, CancellationToken.None);
            var result = await clusters.ApplyAsync(current, new AksSecurity.Engine.Hardening.ApiServerAccessChange(new() { DisableRunCommand = true }), sink, CancellationToken.None);

            Assert.True(result.Cluster.View.RunCommandDisabled);
            Assert.True(_arm.Server.Requests.Count(r => r.Path.EndsWith("/oauth2/v2.0/token")) >= 2, "a fresh token was fetched after the first expired");
            Assert.DoesNotContain(_arm.Server.Requests, r => r.Status == 401);
            Assert.DoesNotContain("s3cr3t-value", sink.AllText);
        }
        finally
        {
            _arm.Server.Reset();
        }
    }
}
