using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tests.Kubernetes.Schema;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Tests.Tools.SecretStore;

public class SecretProviderClassBuilderTests
{
    private const string Tenant = SecretStoreScenarios.Tenant;
    private const string Client = SecretStoreScenarios.Client;

    private static readonly KeyVaultObject[] FixtureObjects =
    {
        new("secret1", KeyVaultObjectType.Secret),
        new("key1", KeyVaultObjectType.Key),
    };

    public static SecretProviderClassRequest Azure(string name = "azure-kvname-wi", string? client = Client, string? nodeIdentity = null,
        IReadOnlyList<KeyVaultObject>? objects = null, string? sync = null, string? ns = null) => new()
    {
        Name = name, Namespace = ns, Provider = SecretStoreProvider.Azure, KeyVaultName = "kvname", TenantId = Tenant, ClientId = client,
        UserAssignedIdentityId = nodeIdentity, KeyVaultObjects = objects ?? FixtureObjects, SyncSecretName = sync,
    };

    public static SecretProviderClassRequest Vault(string address = "https://vault:8200", IReadOnlyList<VaultObject>? objects = null, string? sync = null) => new()
    {
        Name = "vault-kv", Provider = SecretStoreProvider.Vault, VaultAddress = address, RoleName = "kv-role",
        VaultObjects = objects ?? new[] { new VaultObject("secret-1", "secret/data/kv1", "bar1"), new VaultObject("secret-2", "secret/data/kv2", "bar2") },
        SyncSecretName = sync,
    };

    /// <summary>Every request whose options change the manifest's shape.</summary>
    public static TheoryData<string> Shapes() => new(ShapeRequests.Keys);

    public static readonly IReadOnlyDictionary<string, SecretProviderClassRequest> ShapeRequests = new Dictionary<string, SecretProviderClassRequest>
    {
        ["azure workload identity"] = Azure(),
        ["azure workload identity, namespace"] = Azure(ns: "payments"),
        ["azure node identity"] = Azure(client: null, nodeIdentity: Client),
        ["azure with version and alias"] = Azure(objects: new[] { new KeyVaultObject("db-password", KeyVaultObjectType.Secret, "0123456789abcdef0123456789abcdef", "password"), new KeyVaultObject("tls", KeyVaultObjectType.Cert) }),
        ["azure sync"] = Azure(sync: "foosecret"),
        ["azure node identity sync"] = Azure(client: null, nodeIdentity: Client, sync: "foosecret"),
        ["vault"] = Vault(),
        ["vault sync"] = Vault(sync: "kvsecret"),
    };

    private static JsonObject Build(SecretProviderClassRequest request) => SecretProviderClassBuilder.Build(request).Manifest;

    private static JsonObject Fixture(string path) => (JsonObject)ToolTestData.Yaml(File.ReadAllText(ToolTestData.PathOf("secrets-store-csi", path)))!;

    private static JsonObject Parameters(JsonObject manifest) => manifest["spec"]!["parameters"]!.AsObject();

    /// <summary>The provider's objects string, parsed: Azure's "array:" of YAML strings, or Vault's YAML list.</summary>
    private static JsonArray Objects(JsonObject manifest)
    {
        var parsed = ToolTestData.Yaml(Parameters(manifest)["objects"]!.GetValue<string>())!;
        return parsed is JsonObject azure
            ? new JsonArray(azure["array"]!.AsArray().Select(s => ToolTestData.Yaml(s!.GetValue<string>())).ToArray())
            : parsed.AsArray();
    }

    [Fact]
    public void Workload_identity_matches_the_provider_example()
    {
        var built = Build(Azure());
        var fixture = Fixture("azure/secretproviderclass_workload_identity.yaml");

        Assert.Equal("secrets-store.csi.x-k8s.io/v1", built["apiVersion"]!.GetValue<string>());
        Assert.Equal(fixture["kind"]!.GetValue<string>(), built["kind"]!.GetValue<string>());
        Assert.Equal("azure", built["spec"]!["provider"]!.GetValue<string>());
        var expected = (JsonObject)Parameters(fixture).DeepClone();
        // The example's placeholders stand for real ids; cloudName "" is the optional default (AzurePublicCloud), which we leave out.
        expected["clientID"] = Client;
        expected["tenantID"] = Tenant;
        expected.Remove("cloudName");
        expected.Remove("objects");
        var actual = (JsonObject)Parameters(built).DeepClone();
        actual.Remove("objects");
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{expected.ToJsonString()}\n{actual.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(Objects(fixture), Objects(built)), Objects(built).ToJsonString());
        Assert.Empty(SecretProviderClassBuilder.Build(Azure()).Warnings);
    }

    [Fact]
    public void User_assigned_identity_matches_the_provider_example_and_warns()
    {
        var definition = SecretProviderClassBuilder.Build(Azure(client: null, nodeIdentity: Client));
        var fixture = Fixture("azure/secretproviderclass_user_assigned_identity.yaml");

        var expected = (JsonObject)Parameters(fixture).DeepClone();
        expected["userAssignedIdentityID"] = Client;
        // tenantId is the deprecated spelling the example still uses; the provider reads tenantID first.
        expected.Remove("tenantId");
        expected["tenantID"] = Tenant;
        expected.Remove("cloudName");
        expected.Remove("objects");
        var actual = (JsonObject)Parameters(definition.Manifest).DeepClone();
        actual.Remove("objects");
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{expected.ToJsonString()}\n{actual.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(Objects(fixture), Objects(definition.Manifest)));
        Assert.Contains("every pod on those nodes", Assert.Single(definition.Warnings));
    }

    [Fact]
    public void Sync_to_a_secret_has_the_examples_secret_objects_shape()
    {
        var built = Build(Azure(objects: new[] { new KeyVaultObject("db-password", KeyVaultObjectType.Secret, alias: "secretalias"), new KeyVaultObject("key1", KeyVaultObjectType.Key) }, sync: "foosecret"));
        var fixture = Fixture("azure/secretproviderclass_sync_k8s_secret.yaml");

        var ours = built["spec"]!["secretObjects"]!.AsArray().Single()!.AsObject();
        var theirs = fixture["spec"]!["secretObjects"]!.AsArray().Single()!.AsObject();
        Assert.Equal("foosecret", ours["secretName"]!.GetValue<string>());
        Assert.Equal(theirs["type"]!.GetValue<string>(), ours["type"]!.GetValue<string>());
        Assert.Equal(new[] { "secretalias", "key1" }, ours["data"]!.AsArray().Select(d => d!["objectName"]!.GetValue<string>()));
        Assert.Equal(new[] { "secretalias", "key1" }, ours["data"]!.AsArray().Select(d => d!["key"]!.GetValue<string>()));
        // The example's first object, with its alias, has the same keys as ours.
        var exampleObject = Objects(fixture)[0]!.AsObject();
        var ourObject = Objects(built)[0]!.AsObject();
        Assert.Equal(exampleObject.Select(p => p.Key), ourObject.Select(p => p.Key));
        Assert.Equal("secretalias", ourObject["objectAlias"]!.GetValue<string>());
    }

    [Fact]
    public void Vault_matches_the_provider_examples()
    {
        var built = Build(Vault());
        var fixture = Fixture("vault/vault-kv-secretproviderclass.yaml");
        var syncFixture = Fixture("vault/vault-kv-sync-secretproviderclass.yaml");

        Assert.Equal("vault", built["spec"]!["provider"]!.GetValue<string>());
        Assert.Equal("kv-role", Parameters(built)["roleName"]!.GetValue<string>());
        Assert.Equal(Parameters(syncFixture)["vaultAddress"]!.GetValue<string>(), Parameters(built)["vaultAddress"]!.GetValue<string>());
        // filePermission of the example is an option we do not set.
        var expected = Objects(fixture);
        expected[0]!.AsObject().Remove("filePermission");
        Assert.True(JsonNode.DeepEquals(expected, Objects(built)), Objects(built).ToJsonString());

        var synced = Build(Vault(sync: "kvsecret"))["spec"]!["secretObjects"]![0]!.AsObject();
        Assert.Equal(syncFixture["spec"]!["secretObjects"]![0]!.AsObject().Select(p => p.Key).Except(new[] { "labels" }), synced.Select(p => p.Key));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_is_valid_against_the_crd(string shape)
    {
        var manifest = Build(ShapeRequests[shape]);
        Assert.Equal(Array.Empty<string>(), KubernetesSchemaValidator.Validate(manifest));
        Assert.Equal(Array.Empty<string>(), KubernetesSchemaValidator.ValidateYaml(SecretProviderClassBuilder.Build(ShapeRequests[shape]).ToYaml(), shape));
    }

    [Fact]
    public void The_yaml_file_reads_back_as_the_same_object()
    {
        var definition = SecretProviderClassBuilder.Build(ShapeRequests["azure sync"]);
        var read = ManifestYaml.Parse(definition.ToYaml(), "spc.yaml").Single();
        Assert.True(JsonNode.DeepEquals(definition.Manifest, read), definition.ToYaml());
    }

    [Fact]
    public void Each_applied_class_has_a_component_of_its_own_that_fits_in_a_label()
    {
        Assert.Equal("spc.payments.azure-kvname-wi", new SecretProviderClassInstallation(Azure(), "payments").Component);
        var longName = new string('a', 60);
        var hashed = new SecretProviderClassInstallation(Azure(name: longName), "payments").Component;
        Assert.Matches("^spc-[0-9a-f]{16}$", hashed);
        Assert.NotEqual(hashed, new SecretProviderClassInstallation(Azure(name: longName), "other").Component);
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => new SecretProviderClassInstallation(Azure(), "Bad NS")).Kind);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_uses_only_fields_the_examples_show(string shape)
    {
        var built = Build(ShapeRequests[shape]);
        var known = new HashSet<string>(ToolTestData.Files("secrets-store-csi/azure", "*.yaml").Concat(ToolTestData.Files("secrets-store-csi/vault", "*.yaml"))
            .SelectMany(f => Paths(ToolTestData.Yaml(File.ReadAllText(f)), "")));
        var extra = Paths(built, "").Where(p => !known.Contains(p)).ToList();

        // metadata.namespace and our ownership label are Kubernetes' own metadata, not the provider's.
        Assert.Equal(Array.Empty<string>(), extra.Where(p => p is not ("metadata.namespace" or "metadata.labels" or "metadata.labels.app.kubernetes.io/managed-by")));
        var objectKeys = Objects(built).SelectMany(o => o!.AsObject().Select(p => p.Key)).Distinct();
        Assert.All(objectKeys, k => Assert.Contains(k, new[] { "objectName", "objectType", "objectAlias", "objectVersion", "secretPath", "secretKey" }));
    }

    private static IEnumerable<string> Paths(JsonNode? node, string prefix) => node switch
    {
        JsonObject obj => obj.SelectMany(p => new[] { prefix + p.Key }.Concat(Paths(p.Value, prefix + p.Key + "."))),
        JsonArray array => array.SelectMany(item => Paths(item, prefix)),
        _ => Array.Empty<string>(),
    };

    [Fact]
    public void Odd_values_are_quoted_so_the_provider_reads_them_as_strings()
    {
        var built = Build(Azure(objects: new[] { new KeyVaultObject("true", KeyVaultObjectType.Secret), new KeyVaultObject("123", KeyVaultObjectType.Key, alias: "my file: #1") }));

        var text = Parameters(built)["objects"]!.GetValue<string>();
        Assert.Contains("objectName: \"true\"", text);
        Assert.Contains("objectName: \"123\"", text);
        Assert.Contains("objectAlias: \"my file: #1\"", text);
        Assert.Equal("my file: #1", Objects(built)[1]!["objectAlias"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://vault:8200", "https://vault:8200")]
    [InlineData("https://vault.example.com/", "https://vault.example.com")]
    [InlineData("https://10.0.0.5:8200/v1", "https://10.0.0.5:8200/v1")]
    public void Good_vault_addresses_are_kept(string address, string expected) => Assert.Equal(expected, SecretProviderClassBuilder.VaultAddress(address));

    [Theory]
    [InlineData("http://vault:8200", "uses http: only https is accepted")]
    [InlineData("ftp://vault", "uses ftp")]
    [InlineData("vault:8200", "uses vault")]
    [InlineData("vault.example.com", "is not a Vault address")]
    [InlineData("https://", "is not a Vault address")]
    [InlineData("https://user:pw@vault:8200", "with a host and no user name")]
    [InlineData("https://vault:8200/?token=x", "with a host and no user name, query or fragment")]
    [InlineData("https://vault:8200/#x", "query or fragment")]
    [InlineData("https://vault:8200/\0", "control character")]
    [InlineData("https://vault:8200/v1\u0007", "control character")]
    [InlineData("", "is not a Vault address")]
    [InlineData("/etc/vault", "uses file")]
    public void Bad_vault_addresses_are_invalid_arguments(string address, string message)
    {
        var error = Assert.Throws<AksSecurityException>(() => SecretProviderClassBuilder.Build(Vault(address)));
        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("VaultAddress", error.Target);
        Assert.Contains(message, error.Message);
    }

    public static TheoryData<string, SecretProviderClassRequest, string> BadRequests() => new()
    {
        { "Name", Azure(name: "Bad_Name"), "not a valid SecretProviderClass name" },
        { "Namespace", Azure(ns: "Payments"), "not a valid namespace name" },
        { "KeyVaultName", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Azure, KeyVaultName = "kv", TenantId = Tenant, ClientId = Client, KeyVaultObjects = FixtureObjects }, "3 to 24" },
        { "KeyVaultName", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Azure, KeyVaultName = "kv--double", TenantId = Tenant, ClientId = Client, KeyVaultObjects = FixtureObjects }, "single hyphens" },
        { "KeyVaultName", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Azure, KeyVaultName = "1vault", TenantId = Tenant, ClientId = Client, KeyVaultObjects = FixtureObjects }, "starting with a letter" },
        { "TenantId", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Azure, KeyVaultName = "kvname", TenantId = "contoso.onmicrosoft.com", ClientId = Client, KeyVaultObjects = FixtureObjects }, "is not a tenant id" },
        { "ClientId", Azure(client: "my-app"), "is not a client id" },
        { "ClientId", Azure(client: null), "Give -ClientId" },
        { "UserAssignedIdentityId", Azure(nodeIdentity: Client), "not both" },
        { "Object", Azure(objects: Array.Empty<KeyVaultObject>()), "at least one Key Vault object" },
        { "Object", Azure(objects: new[] { new KeyVaultObject("bad_name") }), "not a valid Key Vault object name" },
        { "Object", Azure(objects: new[] { new KeyVaultObject("db", KeyVaultObjectType.Secret, "latest") }), "32 hexadecimal characters" },
        { "Object", Azure(objects: new[] { new KeyVaultObject("db", KeyVaultObjectType.Secret, alias: "../etc/passwd") }), "may not contain '/'" },
        { "Object", Azure(objects: new[] { new KeyVaultObject("db", (KeyVaultObjectType)7) }), "use Secret, Key or Cert" },
        { "Object", Azure(objects: new[] { new KeyVaultObject("db"), new KeyVaultObject("other", KeyVaultObjectType.Secret, alias: "db") }), "the same file 'db'" },
        { "SyncSecretName", Azure(sync: "Foo Secret"), "not a valid Secret name" },
        { "RoleName", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Vault, VaultAddress = "https://vault", RoleName = "kv role", VaultObjects = new[] { new VaultObject("a", "p", "k") } }, "not a valid Vault role name" },
        { "Object", Vault(objects: Array.Empty<VaultObject>()), "at least one Vault object" },
        { "Object", Vault(objects: new[] { new VaultObject("a", "", "k") }), "needs a SecretPath" },
        { "Object", Vault(objects: new[] { new VaultObject("a", "p", "k"), new VaultObject("a", "q", "k") }), "the same file 'a'" },
        { "VaultAddress", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Azure, KeyVaultName = "kvname", TenantId = Tenant, ClientId = Client, KeyVaultObjects = FixtureObjects, VaultAddress = "https://vault" }, "-VaultAddress does not apply to -Provider Azure" },
        { "TenantId", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Vault, VaultAddress = "https://vault", RoleName = "r", TenantId = Tenant, VaultObjects = new[] { new VaultObject("a", "p", "k") } }, "-TenantId does not apply to -Provider Vault" },
        { "Object", new SecretProviderClassRequest { Name = "x", Provider = SecretStoreProvider.Vault, VaultAddress = "https://vault", RoleName = "r", KeyVaultObjects = FixtureObjects }, "do not apply to -Provider Vault" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public void Bad_input_is_an_invalid_argument_naming_the_parameter(string parameter, SecretProviderClassRequest request, string message)
    {
        var error = Assert.Throws<AksSecurityException>(() => SecretProviderClassBuilder.Build(request));
        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(parameter, error.Target);
        Assert.Contains(message, error.Message);
    }
}
