using System.Text.Json.Nodes;
using AksSecurity.Engine.Policy;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>The published policy examples in TestData/Policy (see SOURCE.md there), and assignments built in their shape.</summary>
internal static class PolicyFixtures
{
    public static string Directory { get; } = Find();

    /// <summary>The body of the example's response with the given status.</summary>
    public static JsonObject ResponseBody(string file, string status = "200") =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, file)))!["responses"]![status]!["body"]!.DeepClone();

    /// <summary>An assignment shaped like getPolicyAssignment.json, at <paramref name="scope"/>.</summary>
    public static PolicyAssignment Assignment(string scope, string name, string policyDefinitionId, JsonObject? parameters = null, string enforcementMode = "Default")
    {
        var body = ResponseBody("getPolicyAssignment.json");
        body["id"] = PolicyAssignment.IdAt(scope, name);
        body["name"] = name;
        body["properties"]!["scope"] = scope;
        body["properties"]!["policyDefinitionId"] = policyDefinitionId;
        body["properties"]!["parameters"] = parameters ?? new JsonObject();
        body["properties"]!["enforcementMode"] = enforcementMode;
        return new PolicyAssignment(body);
    }

    public static JsonObject Parameters(params (string Name, JsonNode Value)[] values)
    {
        var parameters = new JsonObject();
        foreach (var (name, value) in values)
        {
            parameters[name] = new JsonObject { ["value"] = value };
        }

        return parameters;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "AksSecurity.Engine.Tests", "TestData", "Policy");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/AksSecurity.Engine.Tests/TestData/Policy not found above " + AppContext.BaseDirectory);
    }
}
