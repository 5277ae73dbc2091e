using System.Text.Json;
using System.Text.Json.Nodes;
using global::Azure;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using global::Azure.Identity;

namespace AksSecurity.Engine.Azure;

/// <summary>
/// Sends requests to one ARM endpoint through Azure.Core's pipeline: bearer token for the environment's audience,
/// exponential retries that honour Retry-After on 429 and 5xx, and redacted -Debug logging.
/// </summary>
internal sealed class ArmClient
{
    private readonly HttpPipeline _pipeline;

    public ArmClient(ArmEnvironment environment, TokenCredential credential, ArmClientOptions options)
    {
        Environment = environment;
        Options = options;
        Credential = credential;
        _pipeline = HttpPipelineBuilder.Build(
            options,
            Array.Empty<HttpPipelinePolicy>(),
            new HttpPipelinePolicy[] { new BearerTokenAuthenticationPolicy(credential, environment.Scope), new HttpLoggingPolicy() },
            new ResponseClassifier());
    }

    public ArmEnvironment Environment { get; }
    public ArmClientOptions Options { get; }

    /// <summary>The session's credential, also asked for tokens of other audiences (the AKS Entra server application).</summary>
    public TokenCredential Credential { get; }

    /// <summary>
    /// Sends one request. <paramref name="pathOrUrl"/> is a path with query ("/subscriptions/...?api-version=...") or an
    /// absolute URL the service gave us (nextLink, Azure-AsyncOperation), which must point at the same ARM endpoint:
    /// our token is never sent anywhere else.
    /// </summary>
    public async Task<ArmResponse> SendAsync(RequestMethod method, string pathOrUrl, JsonNode? body, IReadOnlyDictionary<string, string>? headers,
        IOperationSink sink, CancellationToken cancellationToken)
    {
        var uri = Resolve(pathOrUrl);
        using var message = _pipeline.CreateMessage();
        message.SetProperty(HttpLoggingPolicy.SinkProperty, sink);
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(uri);
        request.Headers.Add("Accept", "application/json");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException)
        {
            throw new AksSecurityException(AksErrorKind.AuthenticationError,
                $"Could not get a token for {Environment.Name} ({Environment.ResourceManager.Host}): {FirstLine(ex.Message)}", Environment.ResourceManager.Host, ex);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException or OperationCanceledException)
        {
            // Network failures (refused, reset, DNS, timeout) that survived every retry.
            throw new AksSecurityException(AksErrorKind.ConnectionError,
                $"Could not reach ARM at {uri.GetLeftPart(UriPartial.Authority)} after {Options.Retry.MaxRetries + 1} attempts: {FirstLine(Innermost(ex).Message)}",
                uri.GetLeftPart(UriPartial.Authority), ex);
        }

        var response = message.Response;
        var responseHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            responseHeaders[header.Name] = header.Value;
        }

        return new ArmResponse(response.Status, ParseBody(response), responseHeaders);
    }

    private Uri Resolve(string pathOrUrl)
    {
        if (Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) && absolute.Scheme is "https" or "http")
        {
            if (Uri.Compare(absolute, Environment.ResourceManager, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                throw new AksSecurityException(AksErrorKind.InvalidData,
                    $"ARM returned a link to {absolute.GetLeftPart(UriPartial.Authority)}, which is not the ARM endpoint {Environment.ResourceManager.GetLeftPart(UriPartial.Authority)}; not following it with your token.",
                    absolute.GetLeftPart(UriPartial.Authority));
            }

            return absolute;
        }

        return new Uri(Environment.ResourceManager, pathOrUrl.TrimStart('/'));
    }

    private static JsonNode? ParseBody(Response response)
    {
        if (response.ContentStream is null || response.Content.ToMemory().Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(response.Content.ToMemory().Span);
        }
        catch (JsonException)
        {
            // Gateways answer HTML on some failures: keep the status, drop the body.
            return null;
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
