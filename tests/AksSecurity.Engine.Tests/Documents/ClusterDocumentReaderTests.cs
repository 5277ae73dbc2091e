using AksSecurity.Engine.Documents;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Documents;

public sealed class ClusterDocumentReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aks-docs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Reads_an_arm_get_document()
    {
        var cluster = Assert.Single(ClusterDocumentReader.ReadFile(Path.Combine(ExampleClusters.ExamplesDirectory, "dev-open.json"))).Document;
        Assert.Equal("dev-open", cluster.View.Name);
        Assert.Equal("rg-dev", cluster.View.ResourceGroupName);
    }

    [Fact]
    public void Reads_every_cluster_of_a_list_response_with_an_indexed_source()
    {
        var path = Path.Combine(ExampleClusters.ExamplesDirectory, "subscription-list.json");
        var cluster = Assert.Single(ClusterDocumentReader.ReadFile(path)).Document;
        Assert.Equal(path + "[0]", cluster.Source);
    }

    [Fact]
    public void Reads_az_aks_show_output_with_flattened_properties()
    {
        var path = Write("show.json", """
            {"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/c1",
             "name": "c1", "type": "Microsoft.ContainerService/ManagedClusters", "location": "westeurope",
             "apiServerAccessProfile": {"authorizedIpRanges": ["52.3.4.5/32"], "disableRunCommand": true},
             "enableRbac": true, "kubernetesVersion": "1.33"}
            """);
        var view = Assert.Single(ClusterDocumentReader.ReadFile(path)).Document.View;
        Assert.Equal(new[] { "52.3.4.5/32" }, view.AuthorizedIpRanges);
        Assert.True(view.RunCommandDisabled);
        Assert.Equal(true, view.RbacEnabled);
        Assert.Equal("westeurope", view.Location);
    }

    [Fact]
    public void Reads_only_the_cluster_resources_of_an_arm_template()
    {
        var path = Write("main.json", """
            {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
             "resources": [
               {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2024-01-01", "name": "vnet", "properties": {}},
               {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2026-08-01", "name": "aks", "location": "westeurope",
                "properties": {"apiServerAccessProfile": {"enablePrivateCluster": true}}}]}
            """);
        var cluster = Assert.Single(ClusterDocumentReader.ReadFile(path)).Document;
        Assert.True(cluster.View.IsPrivateCluster);
        Assert.EndsWith("#resources[1]", cluster.Source);
    }

    [Theory]
    [InlineData("broken.json", "{\"properties\": ", "not valid JSON")]
    [InlineData("storage.json", "{\"type\": \"Microsoft.Storage/storageAccounts\", \"properties\": {}}", "not a managed cluster")]
    [InlineData("random.json", "{\"hello\": \"world\"}", "does not look like an AKS")]
    [InlineData("number.json", "42", "no JSON object")]
    [InlineData("empty-template.json", "{\"resources\": []}", "contains no Microsoft.ContainerService/managedClusters")]
    public void Refuses_what_is_not_a_cluster_naming_the_file(string name, string content, string reason)
    {
        var path = Write(name, content);
        var ex = Assert.Throws<AksSecurityException>(() => ClusterDocumentReader.ReadFile(path).Select(e => e.Document).ToList());
        Assert.Equal(AksErrorKind.InvalidData, ex.Kind);
        Assert.Contains(reason, ex.Message);
        Assert.StartsWith(path, ex.Target);
    }

    [Fact]
    public void A_bad_entry_of_a_list_fails_alone()
    {
        var good = File.ReadAllText(Path.Combine(ExampleClusters.ExamplesDirectory, "dev-open.json"));
        var path = Write("mixed.json", $"[{good}, {{\"type\": \"Microsoft.Web/sites\"}}, {good}]");

        var entries = ClusterDocumentReader.ReadFile(path);

        Assert.Equal(3, entries.Count);
        Assert.Equal("dev-open", entries[0].Document.View.Name);
        var ex = Assert.Throws<AksSecurityException>(() => entries[1].Document);
        Assert.Equal(path + "[1]", ex.Target);
        Assert.Equal("dev-open", entries[2].Document.View.Name);
    }

    [Fact]
    public void Refuses_non_utf8_text()
    {
        var path = Path.Combine(_dir, "latin1.json");
        File.WriteAllBytes(path, new byte[] { (byte)'{', (byte)'"', 0xE9, 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}' });
        var ex = Assert.Throws<AksSecurityException>(() => ClusterDocumentReader.ReadFile(path));
        Assert.Equal(AksErrorKind.InvalidData, ex.Kind);
    }

    [Fact]
    public void A_missing_file_is_object_not_found()
    {
        var ex = Assert.Throws<AksSecurityException>(() => ClusterDocumentReader.ReadFile(Path.Combine(_dir, "nope.json")));
        Assert.Equal(AksErrorKind.ObjectNotFound, ex.Kind);
    }
}
