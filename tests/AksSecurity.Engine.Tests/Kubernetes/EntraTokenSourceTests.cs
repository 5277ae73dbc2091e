using AksSecurity.Engine.Kubernetes;
using Azure.Core;

namespace AksSecurity.Engine.Tests.Kubernetes;

public sealed class EntraTokenSourceTests
{
    private sealed class CountingCredential(TimeSpan lifetime) : TokenCredential
    {
        public List<string> Scopes { get; } = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.AddRange(requestContext.Scopes);
            return ValueTask.FromResult(new AccessToken($"token-{Scopes.Count}", DateTimeOffset.UtcNow + lifetime));
        }
    }

    [Fact]
    public async Task A_token_is_reused_until_five_minutes_before_it_expires()
    {
        var credential = new CountingCredential(TimeSpan.FromHours(1));
        var source = new KubernetesSession.EntraTokenSource(credential, "6dae42f8-4368-4678-94ff-3960e28e3630/.default");
        Assert.Equal("Bearer token-1", await source.GetAsync(default));
        Assert.Equal("Bearer token-1", await source.GetAsync(default));
        Assert.Equal(new[] { "6dae42f8-4368-4678-94ff-3960e28e3630/.default" }, credential.Scopes);
    }

    [Fact]
    public async Task A_token_near_expiry_is_renewed()
    {
        var credential = new CountingCredential(KubernetesSession.EntraTokenSource.RenewBefore - TimeSpan.FromSeconds(1));
        var source = new KubernetesSession.EntraTokenSource(credential, "app/.default");
        Assert.Equal("Bearer token-1", await source.GetAsync(default));
        Assert.Equal("Bearer token-2", await source.GetAsync(default));
    }
}
