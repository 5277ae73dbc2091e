using AksSecurity.Engine.Tools.Falco;

namespace AksSecurity.Engine.Tests.Tools.Falco;

public sealed class FalcoRulesFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("falco-rules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private const string Valid = """
        - required_engine_version: 0.50.0
        - list: shell_binaries
          items: [bash, sh, zsh]
        - macro: spawned_process
          condition: evt.type in (execve, execveat) and evt.dir=<
        - rule: Shell in payments namespace
          desc: A shell started in a payments pod
          condition: spawned_process and proc.name in (shell_binaries) and k8s.ns.name = payments
          output: Shell in payments (user=%user.name pod=%k8s.pod.name cmdline=%proc.cmdline)
          priority: WARNING
          tags: [payments, shell]
        - rule: Terminal shell in container
          enabled: false
        - list: shell_binaries
          items: [fish]
          append: true
        """;

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Write(string name, string text) => Write(name, System.Text.Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_valid_file_is_read_with_its_counts_and_named_by_its_file_name()
    {
        var rules = FalcoRulesFile.Read(Write("payments_rules.yaml", Valid));

        Assert.Equal("payments_rules.yaml", rules.Key);
        Assert.Equal(2, rules.Rules);
        Assert.Equal(1, rules.Macros);
        Assert.Equal(2, rules.Lists);
        Assert.Equal(Valid, rules.Content);
    }

    [Fact]
    public void A_missing_file_is_object_not_found()
    {
        var error = Assert.Throws<AksSecurityException>(() => FalcoRulesFile.Read(Path.Combine(_directory, "absent.yaml")));
        Assert.Equal(AksErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("absent.yaml", error.Message);
    }

    [Fact]
    public void A_directory_given_as_the_file_is_a_read_error()
    {
        var error = Assert.Throws<AksSecurityException>(() => FalcoRulesFile.Read(_directory));
        Assert.Equal(AksErrorKind.ReadError, error.Kind);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_invalid_data()
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes("- rule: Caf\u00e9\n  enabled: false\n");

        var error = Assert.Throws<AksSecurityException>(() => FalcoRulesFile.Read(Write("latin1.yaml", bytes)));

        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains("not UTF-8", error.Message);
    }

    [Fact]
    public void Truncated_yaml_is_invalid_data_with_line_and_column()
    {
        var truncated = Valid[..Valid.IndexOf("output: Shell", StringComparison.Ordinal)] + "output: \"Shell in payments (user=%user.name";

        var error = Assert.Throws<AksSecurityException>(() => FalcoRulesFile.Read(Write("truncated.yaml", truncated)));

        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Matches(@"is not valid YAML: While scanning a quoted scalar, found unexpected end of stream \(line 9, column 11\)\.$", error.Message);
    }

    [Theory]
    [InlineData("rule: Shell\ndesc: x\n", "is not a list of rule, macro and list items: the document is a mapping (line 1, column 1)")]
    [InlineData("just some text\n", "the document is a scalar ('just some text') (line 1, column 1)")]
    [InlineData("- rule: A\n  enabled: false\n- just text\n", "has an item that is a scalar ('just text'), not a mapping with a rule, macro or list key (line 3, column 3)")]
    [InlineData("- name: A\n  condition: x\n", "has an item with none of the keys rule, macro, list, required_engine_version, required_plugin_versions (it has name, condition) (line 1, column 3)")]
    [InlineData("- rule: A\n  macro: B\n", "has an item with more than one of the keys rule, macro (line 1, column 3)")]
    [InlineData("- rule: A\n  desc: d\n  condition: c\n", "has rule 'A' without output, priority (a new rule needs desc, condition, output and priority) (line 1, column 3)")]
    [InlineData("- rule: A\n  desc: d\n  condition: c\n  output: o\n  priority: LOUD\n", "has rule 'A' whose priority is not one of Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug (line 5, column 13)")]
    [InlineData("- macro: m\n  append: false\n", "")]
    [InlineData("- macro: m\n", "has macro 'm' without a condition (line 1, column 3)")]
    [InlineData("- list: l\n  items: bash\n", "has list 'l' whose items are not a list (line 2, column 10)")]
    [InlineData("- rule: \"\"\n  enabled: false\n", "has a rule whose name is not a non-empty string (line 1, column 9)")]
    [InlineData("", "has no rules, macros or lists")]
    public void Files_that_are_not_falco_rules_are_invalid_data_naming_where(string text, string expected)
    {
        if (expected.Length == 0)
        {
            Assert.Equal(1, FalcoRulesFile.Parse(text, "rules.yaml").Macros);
            return;
        }

        var error = Assert.Throws<AksSecurityException>(() => FalcoRulesFile.Parse(text, "rules.yaml"));

        Assert.Equal(AksErrorKind.InvalidData, error.Kind);
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("The rules file 'rules.yaml' ", error.Message);
    }

    [Fact]
    public void A_file_too_big_for_a_configmap_is_refused()
    {
        var big = Write("big.yaml", new string('#', FalcoRulesFile.MaximumBytes + 1));
        Assert.Equal(AksErrorKind.InvalidArgument, Assert.Throws<AksSecurityException>(() => FalcoRulesFile.Read(big)).Kind);
    }

    [Theory]
    [InlineData("custom_rules.yaml", "custom_rules.yaml")]
    [InlineData("my rules.yaml", "custom-rules.yaml")]
    [InlineData("règles.yaml", "custom-rules.yaml")]
    public void The_configmap_key_is_the_file_name_when_it_can_be_one(string file, string key) => Assert.Equal(key, FalcoRulesFile.KeyFor(file));
}
