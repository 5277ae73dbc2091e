using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AksSecurity.TestServers;

/// <summary>
/// A fake Azure Resource Manager for AKS over real HTTPS on 127.0.0.1: subscriptions, resource groups, managed
/// clusters with eTags and long-running operations, credentials, token endpoints, request recording and fault
/// injection. See README.md beside this file.
/// </summary>
public sealed class FakeArmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly ArmState _state = new();
    private readonly RequestJournal _journal = new();
    private readonly FaultInjector _faults = new();
    private readonly IssuedTokens _issuedTokens = new();
    private readonly ArmApi _arm;
    private readonly IdentityApi _identity;
    private readonly BlobApi _blob = new();
    private readonly ControlApi _control;
    private readonly TaskCompletionSource _shutdownRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FakeArmOptions _initialOptions = new();

    private FakeArmServer(WebApplication app, X509Certificate2 certificate, FakeArmOptions options)
    {
        _app = app;
        _certificate = certificate;
        Options = options;
        _initialOptions.CopyFrom(options);
        _arm = new ArmApi(_state, options);
        _identity = new IdentityApi(options, _issuedTokens);
        _control = new ControlApi(this);
    }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Read on every request, so changes apply at once (LRO settings when an operation starts).</summary>
    public FakeArmOptions Options { get; }

    /// <summary>A snapshot of the recorded requests, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _journal.Snapshot();

    public IReadOnlyList<string> ClusterIds
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.ClusterIds();
            }
        }
    }

    /// <summary>Ids of the stored resources other than clusters (extension and child resources, pricings, workspaces), sorted.</summary>
    public IReadOnlyList<string> ResourceIds
    {
        get
        {
            lock (_state.Gate)
            {
                return _state.Resources().Select(r => r.Key).ToArray();
            }
        }
    }

    /// <summary>Completes when POST /_fake/shutdown was received (the exe stops then).</summary>
    internal Task ShutdownRequested => _shutdownRequested.Task;

    /// <summary>Starts Kestrel with HTTPS on 127.0.0.1 and an ephemeral port.</summary>
    public static async Task<FakeArmServer> StartAsync(TestCertificateAuthority ca, FakeArmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        // A private copy, so the server does not depend on the lifetime of the caller's certificate object.
        var certificate = X509CertificateLoader.LoadPkcs12(ca.ServerCertificate.Export(X509ContentType.Pfx), password: null);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();

        var server = new FakeArmServer(app, certificate, options ?? new FakeArmOptions());
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>The fake Kubernetes API server the credential actions point at (see <see cref="AttachKubernetes"/>), or null.</summary>
    public FakeKubernetesServer? Kubernetes => _arm.Kubernetes;

    /// <summary>
    /// From now on listClusterUserCredential / listClusterAdminCredential return kubeconfigs that reach
    /// <paramref name="kubernetes"/> (every cluster is served by it), and it accepts the tokens this fake's token
    /// endpoints issue for the AKS server application (6dae42f8-4368-4678-94ff-3960e28e3630). Survives <see cref="Reset"/>.
    /// </summary>
    public void AttachKubernetes(FakeKubernetesServer kubernetes)
    {
        ArgumentNullException.ThrowIfNull(kubernetes);
        _arm.Kubernetes = kubernetes;
        kubernetes.EntraAudienceOf = _issuedTokens.AudienceOf;
    }

    public void ClearRequests() => _journal.Clear();

    public void InjectFault(FaultRule rule) => _faults.Add(rule);

    /// <summary>
    /// Reseeds the clusters and the resources beside them, and clears faults, recorded requests and operations. Options go back to the values they
    /// had when the server started, so a test that changed them cannot leak its settings into the next one.
    /// </summary>
    public void Reset()
    {
        lock (_state.Gate)
        {
            _state.Seed();
        }

        Options.CopyFrom(_initialOptions);
        _faults.Clear();
        _journal.Clear();
    }

    /// <summary>
    /// Reseeds (like <see cref="Reset"/>, but faults, requests and options stay), then adds <paramref name="subscriptions"/>
    /// subscriptions of <paramref name="clustersPerSubscription"/> clusters each, for fleet tests and benchmarks (README "Fleet").
    /// Returns the new subscription ids.
    /// </summary>
    public IReadOnlyList<string> SeedFleet(int subscriptions, int clustersPerSubscription)
    {
        lock (_state.Gate)
        {
            return _state.SeedFleet(subscriptions, clustersPerSubscription);
        }
    }

    /// <summary>A copy of the stored document, or null. Not recorded.</summary>
    public JsonObject? GetCluster(string resourceId)
    {
        lock (_state.Gate)
        {
            _state.Advance(DateTimeOffset.UtcNow);
            return _state.FindCluster(resourceId)?.Document.DeepClone().AsObject();
        }
    }

    /// <summary>Seeds or replaces the cluster whose id is inside <paramref name="document"/>; new eTag, provisioningState Succeeded.</summary>
    public void PutCluster(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_state.Gate)
        {
            _state.PutSeedDocument(document, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>A copy of the stored resource (not a cluster: see <see cref="GetCluster"/>), or null. Not recorded.</summary>
    public JsonObject? GetResource(string resourceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceId);
        lock (_state.Gate)
        {
            return _state.FindResource(resourceId)?.DeepClone().AsObject();
        }
    }

    /// <summary>
    /// Seeds or replaces a resource beside the clusters (policy assignment at any scope, diagnostic setting,
    /// maintenance configuration, pricing, workspace, or an override of a computed answer; README "Generic store").
    /// Stored as given, with <c>id</c> and <c>name</c> filled in from <paramref name="resourceId"/> when absent.
    /// </summary>
    public void PutResource(string resourceId, JsonObject body)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceId);
        ArgumentNullException.ThrowIfNull(body);
        var id = ArmState.NormalizeId(resourceId);
        var segments = id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 3 || !segments[0].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{resourceId}' is not a resource id under /subscriptions/{{id}}.", nameof(resourceId));
        }

        if (ArmState.TryParseClusterId(id, out _, out _, out _))
        {
            throw new ArgumentException($"'{resourceId}' is a managed cluster: use PutCluster.", nameof(resourceId));
        }

        var document = body.DeepClone().AsObject();
        document["id"] ??= id;
        document["name"] ??= segments[^1];
        lock (_state.Gate)
        {
            if (_state.FindSubscription(segments[1]) is null)
            {
                throw new ArgumentException($"Subscription '{segments[1]}' is not one of the fake's subscriptions.", nameof(resourceId));
            }

            _state.StoreResource(id, document);
        }
    }

    /// <summary>
    /// Another party's operation: the cluster shows provisioningState <paramref name="state"/> and writes get the
    /// 409 OperationNotAllowed until <paramref name="duration"/> has passed; then it is Succeeded again.
    /// </summary>
    public void BeginBackgroundOperation(string clusterId, string state, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(state);
        _arm.BeginBackgroundOperation(clusterId, state, duration, DateTimeOffset.UtcNow);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    internal void RequestShutdown() => _shutdownRequested.TrySetResult();

    /// <summary>
    /// One pipeline for every request: control API aside, read the body, apply a fault, serve, record, then send.
    /// The response is complete before it is recorded and sent, so a client never sees an answer whose side effects
    /// (journal entry, concurrent write) are still pending.
    /// </summary>
    private async Task HandleAsync(HttpContext context)
    {
        var (path, rawQuery) = RawTarget(context);
        if (ControlApi.IsControlPath(path))
        {
            await _control.HandleAsync(context, path);
            return;
        }

        var arrived = DateTimeOffset.UtcNow;
        var sequence = _journal.NextSequence();
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var method = context.Request.Method;
        var isArmRoute = ArmApi.IsArmRoute(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        var fault = _faults.Next(method, path, isArmRoute);

        if (isArmRoute && Options.LatencyMs > 0)
        {
            await Task.Delay(Options.LatencyMs, context.RequestAborted);
        }

        if (fault?.Action == FaultAction.Reset)
        {
            Record(context, sequence, path, rawQuery, body, status: 0, arrived);
            context.Abort();
            return;
        }

        if (fault?.Action == FaultAction.Delay)
        {
            await Task.Delay(fault.DelayMs, context.RequestAborted);
        }

        var request = new FakeRequest(method, path, rawQuery, context.Request.Query, context.Request.Headers, body.Length == 0 ? null : body, BaseUri, DateTimeOffset.UtcNow);
        var response = fault?.Action == FaultAction.Status ? FaultResponse(fault) : Serve(request, isArmRoute, fault);
        Record(context, sequence, path, rawQuery, request.Body, response.Status, arrived);
        await WriteAsync(context, response);
    }

    private FakeResponse Serve(FakeRequest request, bool isArmRoute, FaultRule? fault)
    {
        try
        {
            var response = isArmRoute
                ? _arm.Handle(request)
                : _identity.TryHandle(request) ?? _blob.TryHandle(request) ?? FakeResponse.ArmError(404, "NotFound", $"The fake ARM server has no route for {request.Method} {request.Path}.");
            if (fault?.Action == FaultAction.ConcurrentWrite)
            {
                ApplyConcurrentWrite(request, fault);
            }

            return response;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            // A misconfigured test (bad option, bad JsonPath) shows up as a 500 that names the problem.
            return FakeResponse.ArmError(500, "FakeServerError", e.Message);
        }
    }

    private static FakeResponse FaultResponse(FaultRule fault)
    {
        var code = fault.ErrorCode ?? ReasonPhrases.GetReasonPhrase(fault.Status).Replace(" ", "", StringComparison.Ordinal);
        var response = FakeResponse.ArmError(fault.Status, code.Length > 0 ? code : "InjectedFault", fault.Message ?? "Injected by a FaultRule of the fake ARM server.");
        return fault.RetryAfterSeconds is { } seconds ? response.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)) : response;
    }

    /// <summary>
    /// "Someone changed it between your GET and your PUT": edit the stored resource the request addressed (no eTag),
    /// else the cluster whose path it starts with (new eTag).
    /// </summary>
    private void ApplyConcurrentWrite(FakeRequest request, FaultRule fault)
    {
        lock (_state.Gate)
        {
            if (_state.FindResource(string.Join('/', request.Segments)) is { } resource)
            {
                SetJsonPath(resource, fault);
                return;
            }

            var clusterId = "/" + string.Join('/', request.Segments.Take(8));
            if (!ArmState.TryParseClusterId(clusterId, out _, out _, out _) || _state.FindCluster(clusterId) is not { } cluster)
            {
                return;
            }

            SetJsonPath(cluster.Document, fault);
            cluster.Document["eTag"] = ArmState.NewETag(cluster.Document["eTag"]?.GetValue<string>());
        }
    }

    /// <summary>Sets the fault's dotted JsonPath to its Value, creating objects on the way.</summary>
    private static void SetJsonPath(JsonObject document, FaultRule fault)
    {
        var segments = fault.JsonPath!.Split('.');
        var target = document;
        foreach (var segment in segments[..^1])
        {
            target = target[segment] switch
            {
                JsonObject child => child,
                null => (JsonObject)(target[segment] = new JsonObject()),
                _ => throw new InvalidOperationException($"'{segment}' in '{fault.JsonPath}' is not an object."),
            };
        }

        target[segments[^1]] = fault.Value?.DeepClone();
    }

    private void Record(HttpContext context, int sequence, string path, string rawQuery, string? body, int status, DateTimeOffset arrived)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) ? Redact(values.ToString()) : values.ToString();
        }

        _journal.Add(new RecordedRequest(sequence, context.Request.Method, path, rawQuery, headers, string.IsNullOrEmpty(body) ? null : body, status, arrived));
    }

    /// <summary>Keeps the scheme so tests can see "Bearer" was sent, never the credential.</summary>
    private static string Redact(string authorization)
    {
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? $"{authorization[..space]} <redacted>" : "<redacted>";
    }

    private static async Task WriteAsync(HttpContext context, FakeResponse response)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        http.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        http.Headers["x-ms-correlation-request-id"] = context.Request.Headers["x-ms-correlation-request-id"] is { Count: > 0 } correlation
            ? correlation.ToString()
            : Guid.NewGuid().ToString();
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            http.ContentType = "application/json; charset=utf-8";
            await http.WriteAsync(response.Body.ToJsonString(FakeResponse.Output), context.RequestAborted);
        }
    }

    /// <summary>The path and query exactly as the client sent them (Request.Path is decoded).</summary>
    internal static (string Path, string Query) RawTarget(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        return path.StartsWith('/')
            ? (path, question < 0 ? "" : target[question..])
            : (context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "");
    }
}
