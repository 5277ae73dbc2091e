using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Test data of the in-cluster tools (TestData/falco, TestData/secrets-store-csi; sources in their SOURCE.md files).</summary>
internal static class ToolTestData
{
    private static readonly string Root = Find();

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    public static IEnumerable<string> Files(string directory, string pattern) =>
        Directory.EnumerateFiles(PathOf(directory), pattern).Order(StringComparer.Ordinal);

    /// <summary>
    /// Any YAML as JSON with every scalar a string: enough to compare shapes and values of SecretProviderClasses (whose
    /// parameters are strings), and it also reads the provider's "objects" strings, which are YAML lists, not objects.
    /// </summary>
    public static JsonNode? Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Value: null or "" } scalar when scalar.Style == YamlDotNet.Core.ScalarStyle.Plain => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException("Aliases are not expected in the fixtures."),
    };

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "AksSecurity.Engine.Tests", "TestData");
            if (Directory.Exists(Path.Combine(candidate, "falco")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/AksSecurity.Engine.Tests/TestData/falco not found above " + AppContext.BaseDirectory);
    }
}
