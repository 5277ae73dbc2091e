using System.Text.Json.Nodes;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Reads (and for Get-AksKubeConfig -Context, renames) a kubeconfig as YAML → JSON, without contacting anything: context
/// names for completion, the user a context names, and whether that user signs in through Entra ID (kubelogin exec plugin
/// or the old azure auth-provider), which the session replaces with a token from the session's own credential.
/// </summary>
public sealed class KubeConfigText
{
    private readonly JsonObject _root;

    private KubeConfigText(JsonObject root, string source)
    {
        _root = root;
        Source = source;
    }

    public string Source { get; }

    public static KubeConfigText Parse(string yaml, string source)
    {
        var documents = ManifestYaml.Parse(yaml, source);
        return documents.Count == 1 && documents[0]["clusters"] is JsonArray
            ? new KubeConfigText(documents[0], source)
            : throw new AksSecurityException(AksErrorKind.InvalidData, $"{source} is not a kubeconfig (one YAML document with clusters, contexts and users).", source);
    }

    /// <summary>Context names of a kubeconfig file, or none when it cannot be read (for tab completion).</summary>
    public static IReadOnlyList<string> ContextNamesOf(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path), path).ContextNames;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AksSecurityException)
        {
            return Array.Empty<string>();
        }
    }

    public IReadOnlyList<string> ContextNames => Named("contexts").Select(c => Text(c["name"]) ?? "").Where(n => n.Length > 0).ToArray();

    public string? CurrentContext => Text(_root["current-context"]);

    /// <summary>The context to use: <paramref name="wanted"/>, else current-context, else the only one; bad names throw InvalidArgument.</summary>
    public string ResolveContext(string? wanted)
    {
        var names = ContextNames;
        if (!string.IsNullOrEmpty(wanted))
        {
            return names.Contains(wanted, StringComparer.Ordinal) ? wanted
                : throw new AksSecurityException(AksErrorKind.InvalidArgument,
                    $"Context '{wanted}' is not in {Source}. Its contexts: {(names.Count == 0 ? "(none)" : string.Join(", ", names))}.", wanted);
        }

        if (CurrentContext is { Length: > 0 } current && names.Contains(current, StringComparer.Ordinal))
        {
            return current;
        }

        return names.Count == 1 ? names[0]
            : throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"{Source} has no current-context; pass -Context (one of {string.Join(", ", names)}).", Source);
    }

    public string? UserOf(string context) => Text(Context(context)?["context"]?["user"]);

    public string? ClusterOf(string context) => Text(Context(context)?["context"]?["cluster"]);

    public string? ServerOf(string context) => ClusterOf(context) is { } cluster
        ? Text(Named("clusters").FirstOrDefault(c => Text(c["name"]) == cluster)?["cluster"]?["server"])
        : null;

    /// <summary>How the context's user signs in: Token, ClientCertificate, Entra (kubelogin or azure auth-provider), Exec, Basic or None.</summary>
    public string AuthenticationOf(string context)
    {
        var user = User(context);
        return user switch
        {
            null => "None",
            _ when IsEntra(user) => "Entra",
            _ when user["exec"] is JsonObject => "Exec",
            _ when user["token"] is not null || user["tokenFile"] is not null => "Token",
            _ when user["client-certificate-data"] is not null || user["client-certificate"] is not null => "ClientCertificate",
            _ when user["username"] is not null => "Basic",
            _ => "None",
        };
    }

    /// <summary>The Entra server application id the kubelogin user asks for (--server-id), when it names one.</summary>
    public string? EntraServerId(string context)
    {
        if (User(context) is not { } user)
        {
            return null;
        }

        if (user["exec"]?["args"] is JsonArray args)
        {
            var list = args.Select(Text).ToList();
            var index = list.IndexOf("--server-id");
            if (index >= 0 && index + 1 < list.Count)
            {
                return list[index + 1];
            }
        }

        return Text(user["auth-provider"]?["config"]?["apiserver-id"]);
    }

    /// <summary>A copy whose context <paramref name="from"/> is named <paramref name="to"/> and is current.</summary>
    public string RenameContext(string from, string to)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, "The new context name is empty.", "Context");
        }

        var copy = (JsonObject)_root.DeepClone();
        foreach (var context in ((copy["contexts"] as JsonArray) ?? new JsonArray()).OfType<JsonObject>())
        {
            if (Text(context["name"]) == from)
            {
                context["name"] = to;
            }
        }

        copy["current-context"] = to;
        return ManifestYaml.Write(new[] { copy });
    }

    private static bool IsEntra(JsonObject user) =>
        (user["exec"]?["command"] is JsonValue command && command.TryGetValue<string>(out var text)
            && Path.GetFileNameWithoutExtension(text).Equals("kubelogin", StringComparison.OrdinalIgnoreCase))
        || Text(user["auth-provider"]?["name"]) == "azure";

    private JsonObject? Context(string name) => Named("contexts").FirstOrDefault(c => Text(c["name"]) == name);

    private JsonObject? User(string context) => UserOf(context) is { } user
        ? Named("users").FirstOrDefault(u => Text(u["name"]) == user)?["user"] as JsonObject
        : null;

    private IEnumerable<JsonObject> Named(string section) => (_root[section] as JsonArray)?.OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>();

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
