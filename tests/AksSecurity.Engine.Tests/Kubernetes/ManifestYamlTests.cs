using System.Text.Json;
using System.Text.Json.Nodes;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Tests.Kubernetes;

public sealed class ManifestYamlTests
{
    [Fact]
    public void Parses_every_document_skipping_comments_and_empty_ones()
    {
        const string yaml = """
            # leading comment
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: kured
            ---
            # only a comment
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: c, namespace: kured}
            ...
            """;
        var objects = ManifestYaml.Parse(yaml, "test.yaml");
        Assert.Equal(2, objects.Count);
        Assert.Equal("Namespace", objects[0]["kind"]!.GetValue<string>());
        Assert.Equal("kured", objects[1]["metadata"]!["namespace"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("v: 1", JsonValueKind.Number, "1")]
    [InlineData("v: -12", JsonValueKind.Number, "-12")]
    [InlineData("v: 0x1F", JsonValueKind.Number, "31")]
    [InlineData("v: 0o17", JsonValueKind.Number, "15")]
    [InlineData("v: 0644", JsonValueKind.Number, "420")]
    [InlineData("v: 1_000", JsonValueKind.Number, "1000")]
    [InlineData("v: 1.5", JsonValueKind.Number, "1.5")]
    [InlineData("v: 1e3", JsonValueKind.Number, "1000")]
    [InlineData("v: true", JsonValueKind.True, "true")]
    [InlineData("v: yes", JsonValueKind.True, "true")]
    [InlineData("v: On", JsonValueKind.True, "true")]
    [InlineData("v: no", JsonValueKind.False, "false")]
    [InlineData("v: OFF", JsonValueKind.False, "false")]
    [InlineData("v: \"true\"", JsonValueKind.String, "\"true\"")]
    [InlineData("v: '1'", JsonValueKind.String, "\"1\"")]
    [InlineData("v: !!str 5", JsonValueKind.String, "\"5\"")]
    [InlineData("v: 1.2.3", JsonValueKind.String, "\"1.2.3\"")]
    [InlineData("v: 500m", JsonValueKind.String, "\"500m\"")]
    [InlineData("v: 2024-01-02", JsonValueKind.String, "\"2024-01-02\"")]
    [InlineData("v: 08", JsonValueKind.Number, "8")]  // not octal, so go-yaml v2 reads it as a float
    [InlineData("v: \"\"", JsonValueKind.String, "\"\"")]
    public void Plain_scalars_get_the_types_kubernetes_gives_them(string yaml, JsonValueKind kind, string json)
    {
        var value = ManifestYaml.Parse(yaml, "t")[0]["v"]!;
        Assert.Equal(kind, value.GetValueKind());
        Assert.Equal(json, value.ToJsonString());
    }

    [Theory]
    [InlineData("v: null")]
    [InlineData("v: ~")]
    [InlineData("v:")]
    public void Null_forms_are_json_null(string yaml)
    {
        var obj = ManifestYaml.Parse(yaml, "t")[0];
        Assert.True(obj.ContainsKey("v"));
        Assert.Null(obj["v"]);
    }

    [Fact]
    public void Block_scalars_stay_strings_and_anchors_and_merge_keys_resolve()
    {
        const string yaml = """
            base: &base {a: 1}
            derived:
              <<: *base
              b: 2
            text: |
              line one
              42
            end: 1
            """;
        var obj = ManifestYaml.Parse(yaml, "t")[0];
        Assert.Equal("line one\n42\n", obj["text"]!.GetValue<string>());
        Assert.Equal(1, obj["derived"]!["a"]!.GetValue<long>());
        Assert.Equal(2, obj["derived"]!["b"]!.GetValue<long>());
    }

    [Fact]
    public void Bad_yaml_names_source_line_and_column()
    {
        var ex = Assert.Throws<AksSecurityException>(() => ManifestYaml.Parse("a: 1\nb: [1, 2\nc: 3\n", "rules.yaml"));
        Assert.Equal(AksErrorKind.InvalidData, ex.Kind);
        Assert.Contains("rules.yaml", ex.Message);
        Assert.Matches("line 2, column \\d+", ex.Message);
    }

    [Fact]
    public void Duplicate_keys_and_non_mapping_documents_are_refused()
    {
        var duplicate = Assert.Throws<AksSecurityException>(() => ManifestYaml.Parse("a: 1\na: 2\n", "t"));
        Assert.Contains("line 2", duplicate.Message);
        Assert.Contains("uplicate key", duplicate.Message);
        Assert.Contains("not a mapping", Assert.Throws<AksSecurityException>(() => ManifestYaml.Parse("- a\n- b\n", "t")).Message);
    }

    [Fact]
    public void Write_round_trips_types_quoting_strings_that_look_like_other_types()
    {
        var original = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["data"] = new JsonObject { ["flag"] = "true", ["number"] = "0644", ["empty"] = "", ["yes"] = "yes", ["multi"] = "a\nb\n", ["colon"] = "a: b", ["hash"] = "# x" },
            ["spec"] = new JsonObject { ["replicas"] = 3, ["ratio"] = 0.5, ["on"] = true, ["none"] = null, ["list"] = new JsonArray(1, "two", false) },
        };
        var yaml = ManifestYaml.Write(new[] { original, new JsonObject { ["kind"] = "Second" } });
        var back = ManifestYaml.Parse(yaml, "written");
        Assert.Equal(2, back.Count);
        Assert.True(JsonNode.DeepEquals(original, back[0]), yaml);
        Assert.Equal("Second", back[1]["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Parses_the_fixture_manifests()
    {
        var kured = ManifestYaml.Parse(File.ReadAllText(KubernetesTestData.Path("kubernetes-manifests/kured-1.23.0-combined.yaml")), "kured");
        Assert.Contains(kured, o => o["kind"]!.GetValue<string>() == "DaemonSet");
    }
}
