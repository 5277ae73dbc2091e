using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AksSecurity.Engine.Tools.Falco;

/// <summary>
/// A custom Falco rules file (-RulesPath), read and checked before anything is applied: UTF-8, YAML, and a list of
/// Falco's rules-file items (rule, macro, list, and the required_engine_version / required_plugin_versions items Falco's
/// own files start with). A new rule needs desc, condition, output and priority; an item that appends to or overrides
/// an existing rule, macro or list, or only enables or disables a rule, does not. Errors name the line and column.
/// </summary>
public sealed partial class FalcoRulesFile
{
    /// <summary>A ConfigMap holds at most 1 MiB in all; the rest is room for its metadata.</summary>
    public const int MaximumBytes = 1000 * 1024;

    private const string FallbackKey = "custom-rules.yaml";
    private static readonly string[] ItemKinds = { "rule", "macro", "list", "required_engine_version", "required_plugin_versions" };
    private static readonly string[] RuleFields = { "desc", "condition", "output", "priority" };

    private FalcoRulesFile(string key, string content, int rules, int macros, int lists)
    {
        Key = key;
        Content = content;
        Rules = rules;
        Macros = macros;
        Lists = lists;
    }

    /// <summary>The file's name in the ConfigMap and in /etc/falco/rules.d.</summary>
    public string Key { get; }

    public string Content { get; }

    public int Rules { get; }
    public int Macros { get; }
    public int Lists { get; }

    /// <summary>Reads and validates the file; missing → ObjectNotFound, unreadable → ReadError, not UTF-8, not YAML or not rules → InvalidData.</summary>
    public static FalcoRulesFile Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AksSecurityException(AksErrorKind.ObjectNotFound, $"The rules file '{path}' does not exist.", path, ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new AksSecurityException(AksErrorKind.ReadError, $"The rules file '{path}' could not be read: {ex.Message}", path, ex);
        }

        if (bytes.Length > MaximumBytes)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"The rules file '{path}' has {bytes.Length} bytes; a ConfigMap holds at most 1 MiB, so keep it under {MaximumBytes} bytes.", path);
        }

        string content;
        try
        {
            content = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData,
                $"The rules file '{path}' is not UTF-8 text (invalid byte at offset {ex.Index}); Falco reads rules files as UTF-8.", path, ex);
        }

        return Parse(content.TrimStart('\uFEFF'), path, KeyFor(Path.GetFileName(path)));
    }

    /// <summary>Validates rules text; <paramref name="source"/> names it in errors.</summary>
    public static FalcoRulesFile Parse(string content, string source, string key = FallbackKey)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(content));
        }
        catch (YamlException ex)
        {
            throw Invalid(source, ex.Start, $"is not valid YAML: {ex.Message.TrimEnd('.')}", ex);
        }

        var items = stream.Documents.Select(d => d.RootNode).Where(n => !IsEmpty(n)).ToList();
        if (items.Count == 0)
        {
            throw new AksSecurityException(AksErrorKind.InvalidData, $"The rules file '{source}' has no rules, macros or lists.", source);
        }

        int rules = 0, macros = 0, lists = 0;
        foreach (var root in items)
        {
            if (root is not YamlSequenceNode sequence)
            {
                throw Invalid(source, root.Start, $"is not a list of rule, macro and list items: the document is a {Describe(root)}");
            }

            foreach (var node in sequence.Children)
            {
                switch (CheckItem(node, source))
                {
                    case "rule": rules++; break;
                    case "macro": macros++; break;
                    case "list": lists++; break;
                }
            }
        }

        return new FalcoRulesFile(key, content, rules, macros, lists);
    }

    /// <summary>A ConfigMap key from the file name, or a fixed name when the file's name cannot be one.</summary>
    public static string KeyFor(string fileName) =>
        ConfigMapKey().IsMatch(fileName) && fileName is not "." and not ".." ? fileName : FallbackKey;

    private static string CheckItem(YamlNode node, string source)
    {
        if (node is not YamlMappingNode item)
        {
            throw Invalid(source, node.Start, $"has an item that is a {Describe(node)}, not a mapping with a rule, macro or list key");
        }

        var keys = item.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").ToList();
        var kinds = keys.Intersect(ItemKinds).ToList();
        if (kinds.Count != 1)
        {
            throw Invalid(source, item.Start, kinds.Count == 0
                ? $"has an item with none of the keys {string.Join(", ", ItemKinds)} (it has {string.Join(", ", keys)})"
                : $"has an item with more than one of the keys {string.Join(", ", kinds)}");
        }

        var kind = kinds[0];
        if (kind.StartsWith("required_", StringComparison.Ordinal))
        {
            return kind;
        }

        var name = item.Children[new YamlScalarNode(kind)];
        if (name is not YamlScalarNode { Value.Length: > 0 })
        {
            throw Invalid(source, name.Start, $"has a {kind} whose name is not a non-empty string");
        }

        var changesExisting = keys.Contains("append") || keys.Contains("override");
        switch (kind)
        {
            case "rule" when !changesExisting && keys.Except(new[] { "rule", "enabled" }).Any():
                var missing = RuleFields.Except(keys).ToList();
                if (missing.Count > 0)
                {
                    throw Invalid(source, item.Start, $"has rule '{((YamlScalarNode)name).Value}' without {string.Join(", ", missing)} (a new rule needs desc, condition, output and priority)");
                }

                break;
            case "macro" when !changesExisting && !keys.Contains("condition"):
                throw Invalid(source, item.Start, $"has macro '{((YamlScalarNode)name).Value}' without a condition");
            case "list" when !keys.Contains("items"):
                throw Invalid(source, item.Start, $"has list '{((YamlScalarNode)name).Value}' without items");
            case "list" when item.Children[new YamlScalarNode("items")] is not YamlSequenceNode:
                var items = item.Children[new YamlScalarNode("items")];
                throw Invalid(source, items.Start, $"has list '{((YamlScalarNode)name).Value}' whose items are not a list");
        }

        if (kind == "rule" && item.Children.TryGetValue(new YamlScalarNode("priority"), out var priority)
            && (priority is not YamlScalarNode { Value: { } text } || !FalcoAlertParser.TryParsePriority(text, out _)))
        {
            throw Invalid(source, priority.Start,
                $"has rule '{((YamlScalarNode)name).Value}' whose priority is not one of {string.Join(", ", Enum.GetNames<FalcoPriority>())}");
        }

        return kind;
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" } scalar && scalar.Tag.IsEmpty;

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        YamlScalarNode scalar => $"scalar ('{Shorten(scalar.Value ?? "")}')",
        _ => "alias",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static AksSecurityException Invalid(string source, Mark at, string problem, Exception? inner = null) =>
        new(AksErrorKind.InvalidData, $"The rules file '{source}' {problem} (line {at.Line}, column {at.Column}).", source, inner);

    [GeneratedRegex(@"^[-._a-zA-Z0-9]{1,253}$")]
    private static partial Regex ConfigMapKey();
}
