using System.Text;
using AksSecurity.Engine.Reports;

namespace AksSecurity.Engine.Tests.Reports;

public class JsonLineLocatorTests
{
    private static JsonLineLocator Locator(string json) => JsonLineLocator.Parse(Encoding.UTF8.GetBytes(json));

    private const string ArmDocument = """
        {
          "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
          "properties": {
            "apiServerAccessProfile": {
              "authorizedIPRanges": [
                "0.0.0.0/0"
              ]
            },
            "agentPoolProfiles": [
              { "name": "system" },
              {
                "name": "user",
                "enableNodePublicIP": true
              }
            ]
          }
        }
        """;

    [Theory]
    [InlineData("properties.apiServerAccessProfile.authorizedIPRanges", 5)]
    [InlineData("PROPERTIES.APISERVERACCESSPROFILE.AUTHORIZEDIPRANGES", 5)]
    [InlineData("properties.agentPoolProfiles[1].enableNodePublicIP", 13)]
    [InlineData("properties.agentPoolProfiles[0].name", 10)]
    public void Finds_the_line_of_a_setting(string path, int line) => Assert.Equal(line, Locator(ArmDocument).LineOf("", path));

    [Theory]
    [InlineData("properties.apiServerAccessProfile.disableRunCommand", 4)]
    [InlineData("properties.securityProfile.defender.enabled", 3)]
    [InlineData(null, 1)]
    public void An_absent_setting_is_placed_on_its_nearest_parent(string? path, int line) => Assert.Equal(line, Locator(ArmDocument).LineOf("", path));

    [Fact]
    public void Flattened_az_aks_show_output_is_found_without_properties()
    {
        const string az = "{\n  \"name\": \"aks\",\n  \"enableRbac\": false\n}";
        Assert.Equal(3, Locator(az).LineOf("", "properties.enableRBAC"));
    }

    [Fact]
    public void Entries_of_arrays_lists_and_templates_are_their_own_roots()
    {
        const string array = "[\n {\"name\": \"a\",\n  \"properties\": {\"x\": 1}},\n {\"name\": \"b\",\n  \"properties\": {\"x\": 2}}\n]";
        Assert.Equal(5, Locator(array).LineOf("[1]", "properties.x"));
        Assert.Equal(5, Locator(array).LineOf("[1]", "properties.missing"));
        Assert.Equal(4, Locator(array).LineOf("[1]", "identity.type"));

        const string list = "{\"value\": [\n {\"properties\": {}},\n {\"properties\": {\n \"x\": 1}}]}";
        Assert.Equal(4, Locator(list).LineOf("[1]", "properties.x"));

        const string template = "{\"parameters\": {},\n \"resources\": [\n {\"type\": \"Microsoft.Network/virtualNetworks\"},\n {\"type\": \"Microsoft.ContainerService/managedClusters\",\n  \"properties\": {\n   \"disableLocalAccounts\": false}}]}";
        Assert.Equal(6, Locator(template).LineOf("#resources[1]", "properties.disableLocalAccounts"));
        Assert.Null(Locator(template).LineOf("#resources[7]", "properties.x"));
    }

    [Fact]
    public void A_file_that_is_not_json_has_no_lines()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "{ not json");
        try
        {
            Assert.Null(JsonLineLocator.TryLoad(file));
            Assert.Null(JsonLineLocator.TryLoad(file + ".missing"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_byte_order_mark_does_not_shift_lines()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{\n\"properties\": {\n\"x\": 1}}")).ToArray();
        Assert.Equal(3, JsonLineLocator.Parse(bytes).LineOf("", "properties.x"));
    }
}
