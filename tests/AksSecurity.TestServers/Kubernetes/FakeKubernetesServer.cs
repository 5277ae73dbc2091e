using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using AksSecurity.TestServers.Internal;
using AksSecurity.TestServers.Kubernetes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AksSecurity.TestServers;

/// <summary>
/// A fake Kubernetes API server (an AKS cluster with three nodes) over real HTTPS on 127.0.0.1, with the test CA:
/// bearer-token and client-certificate authentication, REST CRUD with server-side apply, the Job and DaemonSet
/// controllers, pod logs, request recording and fault injection. See README.md ("Fake Kubernetes API server").
/// </summary>
public sealed class FakeKubernetesServer : IAsyncDisposable
{
    /// <summary>The AKS server application (Entra ID): tokens for this audience are accepted on Entra clusters.</summary>
    public const string AksServerApplicationId = "6dae42f8-4368-4678-94ff-3960e28e3630";

    /// <summary>The bearer every API call answers 403 to.</summary>
    public const string ForbiddenToken = "forbidden-token";

    private static readonly TimeSpan FollowPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly TestCertificateAuthority _ca;
    private readonly KubernetesState _state;
    private readonly KubernetesApi _api;
    private readonly FaultInjector _faults = new();
    private readonly object _journalGate = new();
    private readonly List<KubernetesRecordedRequest> _journal = [];
    private readonly Dictionary<string, (string User, bool Forbidden)> _tokens = new(StringComparer.Ordinal);
    private readonly FakeKubernetesOptions _initialOptions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lazy<X509Certificate2> _adminCertificate;
    private int _sequence;

    private FakeKubernetesServer(WebApplication app, X509Certificate2 certificate, TestCertificateAuthority ca, FakeKubernetesOptions options)
    {
        _app = app;
        _certificate = certificate;
        _ca = ca;
        Options = options;
        _initialOptions.CopyFrom(options);
        _state = new KubernetesState(options);
        _api = new KubernetesApi(_state);
        _adminCertificate = new Lazy<X509Certificate2>(() => ca.IssueClientCertificate("masterclient", "system:masters"));
        StaticToken = "fake-k8s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _tokens[StaticToken] = ("fake-token-user", false);
        _tokens[ForbiddenToken] = ("forbidden-user", true);
        lock (_state.Gate)
        {
            _state.Seed(DateTimeOffset.UtcNow);
        }
    }

    /// <summary>https://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Read on every request; <see cref="Reset"/> puts back the values the server started with.</summary>
    public FakeKubernetesOptions Options { get; }

    /// <summary>A static bearer token the server accepts (user "fake-token-user"); <see cref="WriteKubeConfig"/> uses it.</summary>
    public string StaticToken { get; }

    /// <summary>The seeded node names: aks-nodepool1-12345678-vmss000000 … 000002.</summary>
    public static IReadOnlyList<string> NodeNames => KubernetesState.NodeNames;

    /// <summary>A snapshot of the recorded requests, in arrival order.</summary>
    public IReadOnlyList<KubernetesRecordedRequest> Requests
    {
        get
        {
            lock (_journalGate)
            {
                return _journal.OrderBy(r => r.Sequence).ToArray();
            }
        }
    }

    /// <summary>Set by <see cref="FakeArmServer.AttachKubernetes"/>: the audience of a token the fake ARM issued, or null.</summary>
    internal Func<string, string?>? EntraAudienceOf { get; set; }

    internal TestCertificateAuthority Ca => _ca;

    /// <summary>Starts Kestrel with HTTPS (server certificate of <paramref name="ca"/>, client certificates allowed) on 127.0.0.1 and an ephemeral port.</summary>
    public static async Task<FakeKubernetesServer> StartAsync(TestCertificateAuthority ca, FakeKubernetesOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var certificate = X509CertificateLoader.LoadPkcs12(ca.ServerCertificate.Export(X509ContentType.Pfx), password: null);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            // Any certificate passes the handshake; the handler checks its chain against the CA and answers 401, as a
            // request with an unusable credential gets from the API server.
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new FakeKubernetesServer(app, certificate, ca, options ?? new FakeKubernetesOptions());
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return server;
    }

    public void ClearRequests()
    {
        lock (_journalGate)
        {
            _journal.Clear();
        }
    }

    /// <summary>Reseeds the objects (namespaces and nodes only), drops logs, faults, recorded requests, and restores the start-up options. Registered tokens stay.</summary>
    public void Reset()
    {
        Options.CopyFrom(_initialOptions);
        lock (_state.Gate)
        {
            _state.Seed(DateTimeOffset.UtcNow);
        }

        _faults.Clear();
        ClearRequests();
    }

    /// <summary>
    /// A fault on matching API requests (control routes never): <see cref="FaultAction.Status"/> answers a Status with
    /// that code (and Retry-After), <see cref="FaultAction.Reset"/> aborts the connection, <see cref="FaultAction.Delay"/>
    /// waits first. PathContains null matches every API request.
    /// </summary>
    public void InjectFault(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Action == FaultAction.ConcurrentWrite)
        {
            throw new ArgumentException("The fake Kubernetes API server has no ConcurrentWrite fault: change the object with PutObject instead.", nameof(rule));
        }

        _faults.Add(rule);
    }

    /// <summary>Answers <paramref name="status"/> (a Status body, Retry-After when given) to the next <paramref name="times"/> matching requests.</summary>
    public void InjectFault(string? method, string? pathContains, int status, int? retryAfterSeconds = null, int times = 1) =>
        InjectFault(new FaultRule { Method = method, PathContains = pathContains, Action = FaultAction.Status, Status = status, RetryAfterSeconds = retryAfterSeconds, Times = times });

    /// <summary>Aborts the connection of the next <paramref name="times"/> matching requests without an answer.</summary>
    public void InjectConnectionReset(string? method, string? pathContains, int times = 1) =>
        InjectFault(new FaultRule { Method = method, PathContains = pathContains, Action = FaultAction.Reset, Times = times });

    /// <summary>Adds a bearer token the server accepts as <paramref name="user"/> (every call 403 when <paramref name="forbidden"/>).</summary>
    public void RegisterToken(string token, string user = "fake-token-user", bool forbidden = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        lock (_tokens)
        {
            _tokens[token] = (user, forbidden);
        }
    }

    /// <summary>A copy of the stored object, or null (not recorded). Plays the pod phases that are due first.</summary>
    public JsonObject? GetObject(string apiVersion, string kind, string? ns, string name)
    {
        lock (_state.Gate)
        {
            _state.Advance(DateTimeOffset.UtcNow);
            var type = TypeOf(apiVersion, kind);
            return _state.Get(type, type.Namespaced ? ns : null, name) is { } obj ? KubernetesApi.Served(obj, type) : null;
        }
    }

    /// <summary>Copies of the stored objects of a kind, sorted by namespace and name; <paramref name="ns"/> null = all namespaces.</summary>
    public IReadOnlyList<JsonObject> ListObjects(string apiVersion, string kind, string? ns = null)
    {
        lock (_state.Gate)
        {
            _state.Advance(DateTimeOffset.UtcNow);
            var type = TypeOf(apiVersion, kind);
            return _state.List(type, type.Namespaced ? ns : null).Select(o => KubernetesApi.Served(o, type)).ToArray();
        }
    }

    /// <summary>
    /// Seeds or replaces an object, stored as given (status and managedFields included) with the server's metadata filled
    /// in (uid, creationTimestamp, a new resourceVersion). A Job or DaemonSet given without status is played by its
    /// controller; with a status it is left as given. A CustomResourceDefinition makes its resources servable.
    /// </summary>
    public JsonObject PutObject(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var copy = obj.DeepClone().AsObject();
        var type = TypeOf(copy["apiVersion"]?.GetValue<string>() ?? "", copy["kind"]?.GetValue<string>() ?? "");
        var metadata = copy["metadata"] as JsonObject ?? throw new ArgumentException("The object has no metadata.", nameof(obj));
        var name = metadata["name"]?.GetValue<string>() is { Length: > 0 } n ? n : throw new ArgumentException("The object has no metadata.name.", nameof(obj));
        var ns = metadata["namespace"]?.GetValue<string>();
        if (type.Namespaced && string.IsNullOrEmpty(ns))
        {
            throw new ArgumentException($"A {type.Kind} needs metadata.namespace.", nameof(obj));
        }

        lock (_state.Gate)
        {
            var old = _state.Get(type, type.Namespaced ? ns : null, name);
            var stored = _state.Commit(type, old, copy, DateTimeOffset.UtcNow, playControllers: copy["status"] is null);
            return KubernetesApi.Served(stored, type);
        }
    }

    /// <summary>Deletes an object (and its dependents per <paramref name="propagationPolicy"/>); false when absent.</summary>
    public bool DeleteObject(string apiVersion, string kind, string? ns, string name, string propagationPolicy = "Background")
    {
        lock (_state.Gate)
        {
            var type = TypeOf(apiVersion, kind);
            return _state.Delete(type, type.Namespaced ? ns : null, name, propagationPolicy) is not null;
        }
    }

    /// <summary>
    /// Appends lines to a container's log (a follow=true reader sees them at once). <paramref name="container"/> null =
    /// the pod's first container (the pod must exist then). <paramref name="time"/> (default now) is what sinceTime,
    /// sinceSeconds and timestamps=true see.
    /// </summary>
    public void AppendPodLog(string ns, string pod, string? container, string text, DateTimeOffset? time = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_state.Gate)
        {
            var resolved = container
                ?? (_state.Get(_state.Find("", "pods")!, ns, pod) is { } stored ? KubernetesState.FirstContainer(stored) : null)
                ?? throw new ArgumentException($"Pod {ns}/{pod} does not exist (or has no container): name the container.", nameof(container));
            _state.AppendLog(ns, pod, resolved, text, time ?? DateTimeOffset.UtcNow);
        }
    }

    /// <summary>A kubeconfig for this server: CA inline, context "fake-aks" unless named, user with <see cref="StaticToken"/> or the admin client certificate.</summary>
    public string KubeConfig(FakeKubeUser user = FakeKubeUser.Token, string? context = null) =>
        user == FakeKubeUser.ClientCertificate
            ? KubeConfigText.Build(this, context ?? "fake-aks", "fake-aks-admin", KubeConfigText.ClientCertificateUser(AdminCertificate))
            : KubeConfigText.Build(this, context ?? "fake-aks", "fake-aks-user", KubeConfigText.TokenUser(StaticToken));

    /// <summary>Writes <see cref="KubeConfig"/> to <paramref name="path"/> (mode 0600 on Unix).</summary>
    public void WriteKubeConfig(string path, FakeKubeUser user = FakeKubeUser.Token, string? context = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        KubeConfigText.Write(path, KubeConfig(user, context));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
        if (_adminCertificate.IsValueCreated)
        {
            _adminCertificate.Value.Dispose();
        }

        _stopping.Dispose();
    }

    /// <summary>CN=masterclient, O=system:masters: the user of AKS's admin kubeconfig.</summary>
    internal X509Certificate2 AdminCertificate => _adminCertificate.Value;

    /// <summary>Registers a fresh static token for a kubeconfig the fake ARM hands out.</summary>
    internal string IssueStaticToken(string user)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        RegisterToken(token, user);
        return token;
    }

    private ResourceType TypeOf(string apiVersion, string kind)
    {
        lock (_state.Gate)
        {
            return _state.FindByKind(apiVersion, kind)
                ?? throw new ArgumentException($"The fake Kubernetes API server does not serve {kind} in {apiVersion} (put its CustomResourceDefinition first).");
        }
    }

    /// <summary>Control routes aside: read the body, authenticate, fault, serve, record, send.</summary>
    private async Task HandleAsync(HttpContext context)
    {
        var (path, rawQuery) = FakeArmServer.RawTarget(context);
        if (KubernetesControlApi.IsControlPath(path))
        {
            await new KubernetesControlApi(this).HandleAsync(context, path);
            return;
        }

        var arrived = DateTimeOffset.UtcNow;
        var sequence = Interlocked.Increment(ref _sequence);
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted);
        var method = context.Request.Method;
        var caller = Authenticate(context);
        var fault = _faults.Next(method, path, isArmRoute: true);
        var request = new FakeRequest(method, path, rawQuery, context.Request.Query, context.Request.Headers, body.Length == 0 ? null : body, BaseUri, DateTimeOffset.UtcNow);
        void Record(int status) => AddToJournal(new KubernetesRecordedRequest(
            sequence, method, path, rawQuery, context.Request.ContentType, caller.AuthKind, caller.IsAuthenticated ? caller.User : null, request.Body, status, arrived));

        if (fault?.Action == FaultAction.Reset)
        {
            Record(0);
            context.Abort();
            return;
        }

        if (fault?.Action == FaultAction.Delay)
        {
            await Task.Delay(fault.DelayMs, context.RequestAborted);
        }

        FakeResponse response;
        if (fault?.Action == FaultAction.Status)
        {
            response = KubeStatus.Fault(fault.Status, fault.Message);
            if (fault.RetryAfterSeconds is { } seconds)
            {
                response.WithHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
            }
        }
        else if (!caller.IsAuthenticated)
        {
            response = KubeStatus.Unauthorized();
        }
        else if (method == "GET" && IsLogPath(request.Segments))
        {
            await ServeLogAsync(context, request, caller, Record);
            return;
        }
        else if (method == "GET" && request.QueryValue("watch") is "true" or "1")
        {
            await ServeWatchAsync(context, request, caller, Record);
            return;
        }
        else
        {
            lock (_state.Gate)
            {
                _state.Advance(request.Now);
                response = _api.Handle(request, caller);
            }
        }

        Record(response.Status);
        await WriteJsonAsync(context, response);
    }

    /// <summary>
    /// Bearer first (a registered static token, or a token the fake ARM issued for the AKS server application), then a
    /// client certificate chained to the test CA (user = CN). AuthKind "Rejected" (a credential the server does not
    /// accept) and "None" (no credential: AKS does not let anonymous requests reach the API) are answered 401.
    /// </summary>
    private Caller Authenticate(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            var parts = authorization.Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || parts[1].Length == 0)
            {
                return Rejected;
            }

            lock (_tokens)
            {
                if (_tokens.TryGetValue(parts[1], out var known))
                {
                    return new Caller("Token", known.User, known.Forbidden);
                }
            }

            var audience = EntraAudienceOf?.Invoke(parts[1]);
            return string.Equals(audience, AksServerApplicationId, StringComparison.OrdinalIgnoreCase) ? new Caller("EntraToken", "entra-user", false) : Rejected;
        }

        if (context.Connection.ClientCertificate is { } certificate)
        {
            return _ca.IsClientCertificate(certificate) ? new Caller("ClientCertificate", certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), false) : Rejected;
        }

        return new Caller("None", "system:anonymous", false);
    }

    private static readonly Caller Rejected = new("Rejected", "", false);

    private static bool IsLogPath(string[] segments) =>
        segments is ["api", "v1", "namespaces", _, "pods", _, "log"];

    /// <summary>Answers the problem of a streaming request, or starts its 200 response; false when the problem was sent.</summary>
    private static async Task<bool> StartStreamAsync(HttpContext context, FakeResponse? problem, Action<int> record, string contentType)
    {
        if (problem is not null)
        {
            record(problem.Status);
            await WriteJsonAsync(context, problem);
            return false;
        }

        record(200);
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        return true;
    }

    /// <summary>
    /// GET pods/{name}/log: container, sinceTime, sinceSeconds, tailLines, timestamps, limitBytes; follow=true keeps the
    /// response open and sends lines appended later, until the container terminates or the client goes away.
    /// </summary>
    private async Task ServeLogAsync(HttpContext context, FakeRequest request, Caller caller, Action<int> record)
    {
        var ns = Uri.UnescapeDataString(request.Segments[3]);
        var podName = Uri.UnescapeDataString(request.Segments[5]);
        PodLogQuery query;
        FakeResponse? problem;
        lock (_state.Gate)
        {
            _state.Advance(request.Now);
            (query, problem) = PodLogQuery.Prepare(_state, request, caller, ns, podName);
        }

        if (!await StartStreamAsync(context, problem, record, "text/plain"))
        {
            return;
        }

        var http = context.Response;
        IReadOnlyList<(DateTimeOffset Time, string Text)> lines;
        bool ended;
        lock (_state.Gate)
        {
            lines = _state.LogOf(ns, podName, query.Container);
            ended = query.IsTerminated(_state, ns, podName);
        }

        var sent = lines.Count;
        await http.WriteAsync(query.Render(query.Initial(lines)), context.RequestAborted);
        if (!query.Follow)
        {
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await http.Body.FlushAsync(linked.Token);
            while (!ended)
            {
                await Task.Delay(FollowPollInterval, linked.Token);
                lock (_state.Gate)
                {
                    _state.Advance(DateTimeOffset.UtcNow);
                    lines = _state.LogOf(ns, podName, query.Container);
                    ended = query.IsTerminated(_state, ns, podName);
                }

                if (lines.Count > sent)
                {
                    await http.WriteAsync(query.Render(lines.Skip(sent)), linked.Token);
                    await http.Body.FlushAsync(linked.Token);
                    sent = lines.Count;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server stops: the stream just ends.
        }
    }

    /// <summary>
    /// GET …?watch=true: one JSON event per line ({"type":"ADDED|MODIFIED|DELETED","object":…}), found by comparing
    /// resourceVersions every few milliseconds. Without resourceVersion (or "0") the current objects come first as
    /// ADDED; with another resourceVersion only later changes are sent (the fake keeps no history). An object that stops
    /// matching the selectors is DELETED, as on the real server. Ends after timeoutSeconds, or when the client goes away.
    /// </summary>
    private async Task ServeWatchAsync(HttpContext context, FakeRequest request, Caller caller, Action<int> record)
    {
        WatchScope? scope;
        FakeResponse? problem;
        IReadOnlyDictionary<string, (string ResourceVersion, JsonObject Object)> seen;
        lock (_state.Gate)
        {
            _state.Advance(request.Now);
            (scope, problem) = _api.PrepareWatch(request, caller);
            seen = scope is null ? new Dictionary<string, (string, JsonObject)>() : _api.Snapshot(scope);
        }

        if (!await StartStreamAsync(context, problem, record, "application/json"))
        {
            return;
        }

        var http = context.Response;
        var timeout = int.TryParse(request.QueryValue("timeoutSeconds"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : Timeout.InfiniteTimeSpan;
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token, timer.Token);
        try
        {
            if (request.QueryValue("resourceVersion") is null or "" or "0")
            {
                await WriteEventsAsync(http, seen.Values.Select(v => ("ADDED", v.Object)), linked.Token);
            }

            await http.Body.FlushAsync(linked.Token);
            while (true)
            {
                await Task.Delay(FollowPollInterval, linked.Token);
                IReadOnlyDictionary<string, (string ResourceVersion, JsonObject Object)> now;
                lock (_state.Gate)
                {
                    _state.Advance(DateTimeOffset.UtcNow);
                    now = _api.Snapshot(scope!);
                }

                var events = now.Where(p => !seen.TryGetValue(p.Key, out var old) || old.ResourceVersion != p.Value.ResourceVersion)
                    .Select(p => (seen.ContainsKey(p.Key) ? "MODIFIED" : "ADDED", p.Value.Object))
                    .Concat(seen.Where(p => !now.ContainsKey(p.Key)).Select(p => ("DELETED", p.Value.Object)))
                    .ToArray();
                seen = now;
                if (events.Length > 0)
                {
                    await WriteEventsAsync(http, events, linked.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Timeout, client gone or server stopping: the stream ends, as a watch does.
        }
    }

    private static async Task WriteEventsAsync(HttpResponse http, IEnumerable<(string Type, JsonObject Object)> events, CancellationToken cancellation)
    {
        var text = new StringBuilder();
        foreach (var (type, obj) in events)
        {
            text.Append(new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString(FakeResponse.Output)).Append('\n');
        }

        await http.WriteAsync(text.ToString(), cancellation);
        await http.Body.FlushAsync(cancellation);
    }

    private void AddToJournal(KubernetesRecordedRequest entry)
    {
        lock (_journalGate)
        {
            _journal.Add(entry);
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, FakeResponse response)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            http.ContentType = "application/json";
            await http.WriteAsync(response.Body.ToJsonString(FakeResponse.Output), context.RequestAborted);
        }
    }
}
