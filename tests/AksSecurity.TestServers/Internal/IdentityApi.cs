using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace AksSecurity.TestServers.Internal;

/// <summary>
/// Where clients get tokens and endpoints from: the managed identity endpoint of Azure Automation / App Service,
/// Entra's client-credentials token endpoint with the discovery documents MSAL may ask for, and ARM's
/// metadata/endpoints document (Azure Stack Hub shape).
/// </summary>
internal sealed class IdentityApi(FakeArmOptions options, IssuedTokens issued)
{
    public const string Audience = "https://management.fakearm.test/";
    private const string ManagedIdentityClientId = "7d1e9c3a-0000-0000-0000-00000000a11d";

    private static readonly RoutePattern Metadata = new("metadata/endpoints");
    private static readonly RoutePattern ManagedIdentityToken = new("msi/token");
    private static readonly RoutePattern EntraToken = new("{tenant}/oauth2/v2.0/token");
    private static readonly RoutePattern OpenIdConfiguration = new("{tenant}/v2.0/.well-known/openid-configuration");
    private static readonly RoutePattern InstanceDiscovery = new("common/discovery/instance");

    /// <summary>Null when the path is none of these endpoints.</summary>
    public FakeResponse? TryHandle(FakeRequest request)
    {
        var isGet = request.Method == "GET";
        if (isGet && Metadata.TryMatch(request.Segments, out _))
        {
            return MetadataEndpoints(request);
        }

        if (isGet && ManagedIdentityToken.TryMatch(request.Segments, out _))
        {
            return ManagedIdentity(request);
        }

        if (request.Method == "POST" && EntraToken.TryMatch(request.Segments, out _))
        {
            return ClientCredentials(request);
        }

        if (isGet && OpenIdConfiguration.TryMatch(request.Segments, out var values))
        {
            return FakeResponse.Json(200, OpenIdDocument(request.BaseUri, values["tenant"]));
        }

        if (isGet && InstanceDiscovery.TryMatch(request.Segments, out _))
        {
            return FakeResponse.Json(200, new JsonObject
            {
                ["tenant_discovery_endpoint"] = $"{request.BaseUri}common/v2.0/.well-known/openid-configuration",
                ["api-version"] = "1.1",
                ["metadata"] = new JsonArray(new JsonObject
                {
                    ["preferred_network"] = request.BaseUri.Authority,
                    ["preferred_cache"] = request.BaseUri.Authority,
                    ["aliases"] = new JsonArray(request.BaseUri.Authority),
                }),
            });
        }

        return null;
    }

    private static FakeResponse MetadataEndpoints(FakeRequest request) =>
        string.IsNullOrEmpty(request.QueryValue("api-version"))
            ? FakeResponse.ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
            : FakeResponse.Json(200, new JsonObject
            {
                ["galleryEndpoint"] = "",
                ["graphEndpoint"] = "",
                ["portalEndpoint"] = "",
                ["authentication"] = new JsonObject
                {
                    ["loginEndpoint"] = request.BaseUri.ToString(),
                    ["audiences"] = new JsonArray(Audience),
                },
            });

    /// <summary>GET /msi/token?api-version=2019-08-01&amp;resource=R with the X-IDENTITY-HEADER secret.</summary>
    private FakeResponse ManagedIdentity(FakeRequest request)
    {
        var identityHeader = request.Header("X-IDENTITY-HEADER");
        if (string.IsNullOrEmpty(identityHeader))
        {
            return ManagedIdentityError(400, "The X-IDENTITY-HEADER header is missing.");
        }

        if (identityHeader != options.IdentityHeader)
        {
            return ManagedIdentityError(401, "The X-IDENTITY-HEADER header does not match the identity header of this environment.");
        }

        if (string.IsNullOrEmpty(request.QueryValue("api-version")))
        {
            return ManagedIdentityError(400, "The api-version query parameter is required.");
        }

        var resource = request.QueryValue("resource");
        if (string.IsNullOrEmpty(resource))
        {
            return ManagedIdentityError(400, "The resource query parameter is required.");
        }

        var (token, expiresOn) = BearerTokens.Issue(request.Now, options.TokenLifetimeSeconds);
        issued.Add(token, resource);
        return FakeResponse.Json(200, new JsonObject
        {
            ["access_token"] = token,
            ["expires_on"] = expiresOn.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = resource,
            ["token_type"] = "Bearer",
            ["client_id"] = request.QueryValue("client_id") ?? ManagedIdentityClientId,
        });
    }

    /// <summary>POST /{tenant}/oauth2/v2.0/token with grant_type=client_credentials, as MSAL sends it.</summary>
    private FakeResponse ClientCredentials(FakeRequest request)
    {
        var form = QueryHelpers.ParseQuery(request.Body);
        string? Field(string name) => form.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value.ToString()) ? value.ToString() : null;

        if (Field("grant_type") != "client_credentials")
        {
            return OAuthError(400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type; the fake supports client_credentials only.");
        }

        if (Field("client_id") is null)
        {
            return OAuthError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.");
        }

        if (Field("scope") is null)
        {
            return OAuthError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'scope'.");
        }

        var secret = Field("client_secret");
        if (secret is null && Field("client_assertion") is null)
        {
            return OAuthError(401, "invalid_client", "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
        }

        if (secret == "wrong")
        {
            return OAuthError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
        }

        var (token, _) = BearerTokens.Issue(request.Now, options.TokenLifetimeSeconds);
        issued.Add(token, Field("scope")!);
        return FakeResponse.Json(200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = options.TokenLifetimeSeconds,
            ["ext_expires_in"] = options.TokenLifetimeSeconds,
            ["access_token"] = token,
        });
    }

    private static JsonObject OpenIdDocument(Uri baseUri, string tenant) => new()
    {
        ["token_endpoint"] = $"{baseUri}{tenant}/oauth2/v2.0/token",
        ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
        ["jwks_uri"] = $"{baseUri}{tenant}/discovery/v2.0/keys",
        ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
        ["subject_types_supported"] = new JsonArray("pairwise"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["issuer"] = $"{baseUri}{tenant}/v2.0",
        ["authorization_endpoint"] = $"{baseUri}{tenant}/oauth2/v2.0/authorize",
        ["device_authorization_endpoint"] = $"{baseUri}{tenant}/oauth2/v2.0/devicecode",
        ["end_session_endpoint"] = $"{baseUri}{tenant}/oauth2/v2.0/logout",
        ["tenant_region_scope"] = null,
        ["cloud_instance_name"] = "fakearm.test",
    };

    /// <summary>The App Service managed identity error body.</summary>
    private static FakeResponse ManagedIdentityError(int status, string message) =>
        FakeResponse.Json(status, new JsonObject { ["statusCode"] = status, ["message"] = message, ["correlationId"] = Guid.NewGuid().ToString() });

    private static FakeResponse OAuthError(int status, string error, string description) =>
        FakeResponse.Json(status, new JsonObject { ["error"] = error, ["error_description"] = description });
}
