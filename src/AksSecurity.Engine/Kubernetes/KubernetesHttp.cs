using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>One API server response: status, parsed JSON body (null when empty or not JSON), raw text for logs.</summary>
internal sealed record KubernetesResponse(int Status, JsonNode? Body, string Text)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}

/// <summary>Supplies the Authorization header value for each request (null: none).</summary>
internal delegate ValueTask<string?> AuthorizationSource(CancellationToken cancellationToken);

/// <summary>
/// HTTP to one API server: TLS against the kubeconfig's CA (no skip-verify), the user's client certificate or bearer token,
/// bounded retries on 429/5xx and network failures honouring Retry-After, and one -Debug line per attempt naming the method
/// and path (query values other than a short allow-list redacted; never headers or bodies).
/// </summary>
internal sealed class KubernetesHttp : IDisposable
{
    /// <summary>Retries after the first attempt.</summary>
    public const int MaxRetries = 4;

    private static readonly HashSet<string> LoggedQueryKeys = new(StringComparer.Ordinal)
    {
        "fieldManager", "force", "labelSelector", "propagationPolicy", "container", "follow", "tailLines", "limit",
    };

    private readonly HttpClient _client;
    private readonly AuthorizationSource _authorization;

    public KubernetesHttp(Uri server, X509Certificate2Collection? caCertificates, X509Certificate2? clientCertificate, string? tlsServerName,
        AuthorizationSource authorization, Func<IOperationSink> sink)
    {
        Server = server;
        _authorization = authorization;
        Sink = sink;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = tlsServerName,
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, errors, caCertificates),
            },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { clientCertificate };
        }

        _client = new HttpClient(handler) { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
    }

    public Uri Server { get; }

    public Func<IOperationSink> Sink { get; }

    /// <summary>Test hook: the longest wait between retries (tests shorten it).</summary>
    internal static TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one non-streaming request may take.</summary>
    internal static TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Sends a request and reads the whole body. <paramref name="retryable"/> is false for non-idempotent writes (POST), which are
    /// retried only on 429 (the server did not process them).
    /// </summary>
    public async Task<KubernetesResponse> SendAsync(HttpMethod method, string pathAndQuery, string? contentType, string? body, bool retryable,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            var started = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                using var request = await CreateRequestAsync(method, pathAndQuery, contentType, body, cancellationToken).ConfigureAwait(false);
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Log(method, pathAndQuery, $"failed ({FirstLine(Innermost(ex).Message)})", started);
                if (attempt < MaxRetries && retryable)
                {
                    await DelayAsync(null, attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new AksSecurityException(AksErrorKind.ConnectionError,
                    $"Could not reach the Kubernetes API server at {Server.GetLeftPart(UriPartial.Authority)} after {attempt + 1} attempt(s): {FirstLine(Innermost(ex).Message)}",
                    Server.GetLeftPart(UriPartial.Authority), ex);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                Log(method, pathAndQuery, status.ToString(CultureInfo.InvariantCulture), started);
                var retry = status == 429 || status >= 500 && retryable;
                if (retry && attempt < MaxRetries)
                {
                    await DelayAsync(response.Headers.RetryAfter, attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                return new KubernetesResponse(status, ParseJson(text), text);
            }
        }
    }

    /// <summary>A streaming GET (pods/log?follow=true): the response with its body unread; the caller disposes it. Not retried after headers.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var started = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                using var request = await CreateRequestAsync(HttpMethod.Get, pathAndQuery, null, null, cancellationToken).ConfigureAwait(false);
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                Log(HttpMethod.Get, pathAndQuery, $"failed ({FirstLine(Innermost(ex).Message)})", started);
                if (attempt < MaxRetries)
                {
                    await DelayAsync(null, attempt, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new AksSecurityException(AksErrorKind.ConnectionError,
                    $"Could not reach the Kubernetes API server at {Server.GetLeftPart(UriPartial.Authority)}: {FirstLine(Innermost(ex).Message)}",
                    Server.GetLeftPart(UriPartial.Authority), ex);
            }

            var status = (int)response.StatusCode;
            Log(HttpMethod.Get, pathAndQuery, status.ToString(CultureInfo.InvariantCulture), started);
            if ((status == 429 || status >= 500) && attempt < MaxRetries)
            {
                var retryAfter = response.Headers.RetryAfter;
                response.Dispose();
                await DelayAsync(retryAfter, attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Redacts query values other than the allow-listed keys, so a -Debug line never carries data we were given.</summary>
    internal static string Redact(string pathAndQuery) => HttpLoggingPolicy.Redact(pathAndQuery, LoggedQueryKeys);

    private async Task<HttpRequestMessage> CreateRequestAsync(HttpMethod method, string pathAndQuery, string? contentType, string? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, pathAndQuery.TrimStart('/'));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("AksSecurity", typeof(KubernetesHttp).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (await _authorization(cancellationToken).ConfigureAwait(false) is { } authorization)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        return request;
    }

    private static async Task DelayAsync(RetryConditionHeaderValue? retryAfter, int attempt, CancellationToken cancellationToken)
    {
        var wanted = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : (TimeSpan?)null)
            ?? TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt));
        // A floor so "Retry-After: 0" is no busy loop; a ceiling so a huge value does not hang the command.
        var delay = TimeSpan.FromTicks(Math.Clamp(wanted.Ticks, TimeSpan.FromMilliseconds(50).Ticks, MaxRetryDelay.Ticks));
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
    }

    private void Log(HttpMethod method, string pathAndQuery, string outcome, Stopwatch started)
    {
        try
        {
            Sink().Debug($"Kubernetes {method.Method} {Redact("/" + pathAndQuery.TrimStart('/'))} → {outcome} ({started.ElapsedMilliseconds} ms)");
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            // The command that opened the session has finished relaying; a debug line is not worth failing the work.
        }
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? caCertificates)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only the chain may be re-judged, and only against the kubeconfig's own CA; a name mismatch is never accepted.
        if (certificate is null || caCertificates is null || caCertificates.Count == 0 || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(caCertificates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static JsonNode? ParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
