using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Tests.TestData;
using global::Azure.Identity;

namespace AksSecurity.Engine.Tests.Azure;

/// <summary>Each way of connecting builds the Azure.Identity credential made for it (no token is requested here).</summary>
public class CredentialFactoryTests
{
    private static readonly ArmEnvironment Cloud = ArmEnvironment.AzureCloud;

    [Theory]
    [InlineData(AuthenticationMethod.ManagedIdentity, typeof(ManagedIdentityCredential))]
    [InlineData(AuthenticationMethod.AzureCli, typeof(AzureCliCredential))]
    [InlineData(AuthenticationMethod.AzurePowerShell, typeof(AzurePowerShellCredential))]
    [InlineData(AuthenticationMethod.DeviceCode, typeof(DeviceCodeCredential))]
    [InlineData(AuthenticationMethod.InteractiveBrowser, typeof(InteractiveBrowserCredential))]
    [InlineData(AuthenticationMethod.DefaultChain, typeof(ChainedTokenCredential))]
    public void Builds_the_credential_of_each_method(AuthenticationMethod method, Type expected)
    {
        var credential = CredentialFactory.Create(new ConnectionRequest { Method = method }, Cloud, new RecordingSink());
        Assert.IsType(expected, credential);
    }

    [Fact]
    public void Service_principal_with_a_secret_needs_tenant_and_application()
    {
        var request = new ConnectionRequest { Method = AuthenticationMethod.ServicePrincipalSecret, ClientId = "app", ClientSecret = FakeArmFixture.Secure("s") };
        var ex = Assert.Throws<AksSecurityException>(() => CredentialFactory.Create(request, Cloud, new RecordingSink()));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("TenantId", ex.Target);

        var complete = new ConnectionRequest { Method = AuthenticationMethod.ServicePrincipalSecret, TenantId = "t", ClientId = "app", ClientSecret = FakeArmFixture.Secure("s") };
        Assert.IsType<ClientSecretCredential>(CredentialFactory.Create(complete, Cloud, new RecordingSink()));
    }

    [Fact]
    public void A_missing_certificate_file_is_object_not_found()
    {
        var request = new ConnectionRequest { Method = AuthenticationMethod.ServicePrincipalCertificate, TenantId = "t", ClientId = "app", CertificatePath = "/nonexistent/sp.pfx" };
        var ex = Assert.Throws<AksSecurityException>(() => CredentialFactory.Create(request, Cloud, new RecordingSink()));
        Assert.Equal(AksErrorKind.ObjectNotFound, ex.Kind);
    }

    [Fact]
    public void Workload_identity_without_a_federated_token_says_what_to_set()
    {
        if (Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE") is not null || Environment.GetEnvironmentVariable("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID") is not null)
        {
            return; // A machine with workload identity configured has nothing to report here.
        }

        var ex = Assert.Throws<AksSecurityException>(() => CredentialFactory.Create(new ConnectionRequest { Method = AuthenticationMethod.WorkloadIdentity }, Cloud, new RecordingSink()));
        Assert.Equal(AksErrorKind.AuthenticationError, ex.Kind);
        Assert.Contains("AZURE_FEDERATED_TOKEN_FILE", ex.Message);
        Assert.Contains("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", ex.Message);
    }

    [Fact]
    public void A_given_token_is_used_until_it_expires_and_then_refused_clearly()
    {
        var expired = new ConnectionRequest { Method = AuthenticationMethod.AccessToken, AccessToken = FakeArmFixture.Secure("t"), AccessTokenExpiresOn = DateTimeOffset.UtcNow.AddMinutes(-1) };
        var credential = CredentialFactory.Create(expired, Cloud, new RecordingSink());
        var ex = Assert.Throws<AuthenticationFailedException>(() => credential.GetToken(new global::Azure.Core.TokenRequestContext(new[] { Cloud.Scope }), CancellationToken.None));
        Assert.Contains("expired", ex.Message);
        Assert.DoesNotContain("\"t\"", ex.Message);
    }
}
