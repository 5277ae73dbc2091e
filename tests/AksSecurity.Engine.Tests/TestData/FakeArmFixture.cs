using System.Security;
using AksSecurity.Engine.Azure;
using AksSecurity.TestServers;
using global::Azure.Core.Pipeline;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>
/// One fake ARM server per test class. The engine trusts it through a transport that validates the chain against the
/// test CA (no validation is skipped); retries and polling are shortened so faults cost milliseconds, not minutes.
/// </summary>
public sealed class FakeArmFixture : IAsyncLifetime
{
    public const string Subscription0 = "00000000-0000-0000-0000-000000000000";
    public const string Subscription1 = "11111111-1111-1111-1111-111111111111";
    public const string Audience = "https://management.fakearm.test/";

    public static readonly string CaDirectory = Path.Combine(Path.GetTempPath(), "aks-security-test-ca");

    public FakeArmServer Server { get; private set; } = null!;
    public TestCertificateAuthority Ca { get; private set; } = null!;

    static FakeArmFixture()
    {
        var ca = TestCertificateAuthority.LoadOrCreate(CaDirectory);
        ArmConnection.TestTransport = new HttpClientTransport(ca.CreateTrustingHandler());
        ArmConnection.TestOptions = options =>
        {
            options.Retry.MaxRetries = 3;
            options.Retry.Delay = TimeSpan.FromMilliseconds(10);
            options.Retry.MaxDelay = TimeSpan.FromMilliseconds(50);
            options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            options.PollInterval = TimeSpan.FromMilliseconds(50);
            options.MinimumPollInterval = TimeSpan.FromMilliseconds(20);
            options.BusyWaitTimeout = TimeSpan.FromSeconds(10);
            options.OperationTimeout = TimeSpan.FromSeconds(20);
        };
    }

    public async Task InitializeAsync()
    {
        Ca = TestCertificateAuthority.LoadOrCreate(CaDirectory);
        Server = await FakeArmServer.StartAsync(Ca);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>The PUTs the server received, in order.</summary>
    public IEnumerable<RecordedRequest> Puts => Server.Requests.Where(r => r.Method == "PUT");

    public static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var ch in text)
        {
            secure.AppendChar(ch);
        }

        return secure;
    }

    public ConnectionRequest TokenRequest(string token = "test-token", string? subscription = Subscription0) => new()
    {
        Method = AuthenticationMethod.AccessToken,
        AccessToken = Secure(token),
        ArmEndpoint = Server.BaseUri.AbsoluteUri,
        Subscription = subscription,
    };

    public Task<ArmConnection> ConnectAsync(IOperationSink? sink = null, string? subscription = Subscription0) =>
        ArmConnection.ConnectAsync(TokenRequest(subscription: subscription), sink ?? new RecordingSink(), CancellationToken.None);

    public static string ClusterId(string rg, string name, string subscription = Subscription0) =>
        $"/subscriptions/{subscription}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}";
}
