using System.Collections;
using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Tests.Tools.SecretStore;

public class SecretObjectInputTests
{
    [Fact]
    public void Hashtables_become_key_vault_objects_with_keys_in_any_case_and_secret_as_the_default_type()
    {
        var plain = SecretObjectInput.ToKeyVaultObject(new Hashtable { ["name"] = "db-password" });
        Assert.Equal(("db-password", KeyVaultObjectType.Secret, (string?)null, (string?)null), (plain.Name, plain.Type, plain.Version, plain.Alias));

        var full = SecretObjectInput.ToKeyVaultObject(new Hashtable { ["Name"] = "api", ["TYPE"] = "certificate", ["Version"] = "0123456789abcdef0123456789abcdef", ["alias"] = "api.pem" });
        Assert.Equal(("api", KeyVaultObjectType.Cert, "0123456789abcdef0123456789abcdef", "api.pem"), (full.Name, full.Type, full.Version, full.Alias));
        Assert.Equal(KeyVaultObjectType.Key, SecretObjectInput.ToKeyVaultObject(new Hashtable { ["Name"] = "k", ["Type"] = "key" }).Type);

        var typed = new KeyVaultObject("x", KeyVaultObjectType.Key);
        Assert.Same(typed, SecretObjectInput.ToKeyVaultObject(typed));
    }

    [Fact]
    public void Hashtables_become_vault_objects()
    {
        var entry = SecretObjectInput.ToVaultObject(new Hashtable { ["objectname"] = "pwd", ["SecretPath"] = "secret/data/db", ["secretKey"] = "password" });
        Assert.Equal(("pwd", "secret/data/db", "password"), (entry.ObjectName, entry.SecretPath, entry.SecretKey));
    }

    [Theory]
    [InlineData("Nmae", "has the key 'Nmae'; the keys are Name, Type, Version, Alias")]
    [InlineData("Type", "has the type 'password'; use Secret, Key or Cert")]
    public void Unknown_keys_and_types_are_invalid_arguments(string key, string message)
    {
        var table = new Hashtable { ["Name"] = "db" };
        table[key] = "password";
        var error = Assert.Throws<AksSecurityException>(() => SecretObjectInput.ToKeyVaultObject(table));
        Assert.Equal(AksErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Object", error.Target);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Other_values_are_invalid_arguments_saying_what_to_give()
    {
        Assert.Contains("give a hashtable with Name", Assert.Throws<AksSecurityException>(() => SecretObjectInput.ToKeyVaultObject("db-password")).Message);
        Assert.Contains("[AksSecurity.VaultObject]", Assert.Throws<AksSecurityException>(() => SecretObjectInput.ToVaultObject(new KeyVaultObject("x"))).Message);
        Assert.Contains("has the key 'Name'", Assert.Throws<AksSecurityException>(() => SecretObjectInput.ToVaultObject(new Hashtable { ["Name"] = "x" })).Message);
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => SecretObjectInput.ToKeyVaultObject(new Hashtable { ["Name"] = "x", ["Type"] = "2" })).Kind);
    }
}
