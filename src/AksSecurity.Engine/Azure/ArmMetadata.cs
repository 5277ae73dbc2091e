using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Azure;

/// <summary>The /metadata/endpoints document of a custom cloud (Azure Stack Hub shape).</summary>
internal sealed record ArmMetadata(string? Audience, string? LoginEndpoint)
{
    public static async Task<ArmMetadata> ReadAsync(Uri endpoint, ArmClientOptions options, IOperationSink sink, CancellationToken cancellationToken)
    {
        var pipeline = global::Azure.Core.Pipeline.HttpPipelineBuilder.Build(options);
        using var message = pipeline.CreateMessage();
        message.Request.Method = global::Azure.Core.RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(endpoint, "metadata/endpoints?api-version=2015-01-01"));
        try
        {
            await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw new AksSecurityException(AksErrorKind.ConnectionError,
                $"Could not read the metadata of ARM endpoint {endpoint}: {ex.Message.Split('\n')[0]} Pass -ArmAudience and -AuthorityHost to skip discovery.", endpoint.AbsoluteUri, ex);
        }

        if (message.Response.Status != 200)
        {
            sink.Verbose($"{endpoint} has no metadata endpoint (HTTP {message.Response.Status}); using it as its own audience.");
            return new ArmMetadata(null, null);
        }

        var body = JsonNode.Parse(message.Response.Content.ToMemory().Span);
        var auth = body?["authentication"];
        return new ArmMetadata(auth?["audiences"]?[0]?.GetValue<string>(), auth?["loginEndpoint"]?.GetValue<string>());
    }
}
