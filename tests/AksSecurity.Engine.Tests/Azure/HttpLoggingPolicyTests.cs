using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Tests.Azure;

public class HttpLoggingPolicyTests
{
    [Fact]
    public void Signed_operation_urls_are_redacted_but_api_version_is_kept()
    {
        var url = new Uri("https://management.azure.com/subscriptions/s/providers/Microsoft.ContainerService/locations/eastus/operations/op1?api-version=2025-03-01&t=638123&c=MIIHsecret&s=sigsecret&h=hashsecret");
        var shown = HttpLoggingPolicy.Redact(url);
        Assert.Equal("https://management.azure.com/subscriptions/s/providers/Microsoft.ContainerService/locations/eastus/operations/op1?api-version=2025-03-01&t=REDACTED&c=REDACTED&s=REDACTED&h=REDACTED", shown);
    }

    [Fact]
    public void Sas_signatures_are_redacted()
    {
        var shown = HttpLoggingPolicy.Redact(new Uri("https://x.blob.core.windows.net/c/b?sv=2024-01-01&sig=abc%2Bdef&se=2026"));
        Assert.DoesNotContain("abc", shown);
        Assert.Contains("sig=REDACTED", shown);
    }
}
