using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.TestServers;

namespace AksSecurity.Engine.Tests.TestServers;

/// <summary>
/// A fake ARM with a fake Kubernetes API server attached (its credential actions return kubeconfigs that reach it),
/// one pair per test class. The engine trusts both through FakeArmFixture's test transport (the same CA). Pods of
/// Jobs move through their phases every <see cref="PodPhaseDelay"/>, so a Job completes in about 100 ms.
/// Call <see cref="Reset"/> at the start of each test.
/// </summary>
public sealed class FakeKubernetesFixture : IAsyncLifetime
{
    public const string Subscription0 = FakeArmFixture.Subscription0;
    public const string TenantId = "72f988bf-0000-0000-0000-000000000000";

    public static readonly TimeSpan PodPhaseDelay = TimeSpan.FromMilliseconds(50);

    private readonly List<string> _files = [];

    static FakeKubernetesFixture()
    {
        // The engine's ARM transport trusting the test CA is set up there.
        RuntimeHelpers.RunClassConstructor(typeof(FakeArmFixture).TypeHandle);
    }

    public TestCertificateAuthority Ca { get; private set; } = null!;

    public FakeArmServer Arm { get; private set; } = null!;

    public FakeKubernetesServer Kubernetes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Ca = TestCertificateAuthority.LoadOrCreate(FakeArmFixture.CaDirectory);
        Arm = await FakeArmServer.StartAsync(Ca);
        Kubernetes = await FakeKubernetesServer.StartAsync(Ca, new FakeKubernetesOptions { PodPhaseDelay = PodPhaseDelay });
        Arm.AttachKubernetes(Kubernetes);
    }

    public async Task DisposeAsync()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }

        await Kubernetes.DisposeAsync();
        await Arm.DisposeAsync();
        Ca.Dispose();
    }

    /// <summary>Both servers back to their seed and start-up options; faults and recorded requests cleared.</summary>
    public void Reset()
    {
        Arm.Reset();
        Kubernetes.Reset();
    }

    /// <summary>Writes a kubeconfig for the fake Kubernetes API server to a temp file (deleted with the fixture) and returns its path.</summary>
    public string WriteKubeConfig(FakeKubeUser user = FakeKubeUser.Token, string? context = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fake-kubeconfig-{Guid.NewGuid():N}.yaml");
        Kubernetes.WriteKubeConfig(path, user, context);
        _files.Add(path);
        return path;
    }

    /// <summary>
    /// An HttpClient to the fake Kubernetes API server trusting only the test CA: with <paramref name="token"/> as bearer
    /// (default the server's static token; null for none) and/or a client certificate.
    /// </summary>
    public HttpClient CreateClient(string? token = "", X509Certificate2? clientCertificate = null)
    {
        var handler = Ca.CreateTrustingHandler();
        if (clientCertificate is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(clientCertificate);
        }

        var client = new HttpClient(handler) { BaseAddress = Kubernetes.BaseUri };
        var bearer = token == "" ? Kubernetes.StaticToken : token;
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    /// <summary>An ARM connection with a static access token (what Connect-AksSecurity -AccessToken gives).</summary>
    public ConnectionRequest AccessTokenRequest(string token = "test-token") => new()
    {
        Method = AuthenticationMethod.AccessToken,
        AccessToken = FakeArmFixture.Secure(token),
        ArmEndpoint = Arm.BaseUri.AbsoluteUri,
        Subscription = Subscription0,
    };

    /// <summary>
    /// An ARM connection as a service principal against the fake's token endpoint: its credential can also get tokens for
    /// the AKS server application, which the fake Kubernetes API server accepts (Entra ID clusters).
    /// </summary>
    public ConnectionRequest ServicePrincipalRequest() => new()
    {
        Method = AuthenticationMethod.ServicePrincipalSecret,
        TenantId = TenantId,
        ClientId = "11111111-2222-3333-4444-555555555555",
        ClientSecret = FakeArmFixture.Secure("s3cr3t-value"),
        ArmEndpoint = Arm.BaseUri.AbsoluteUri,
        Subscription = Subscription0,
    };

    public static string ClusterId(string rg, string name, string subscription = Subscription0) => FakeArmFixture.ClusterId(rg, name, subscription);
}
