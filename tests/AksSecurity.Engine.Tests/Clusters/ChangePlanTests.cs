using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Clusters;

public class ChangePlanTests
{
    [Fact]
    public void Applying_a_plan_keeps_every_field_it_does_not_name()
    {
        var original = ExampleClusters.Load("prod-restricted.json");
        var edited = original.Clone();
        new ChangePlan().Set(edited.Root, ManagedClusterView.DisableRunCommandPath, false).ApplyTo(edited.Root);

        // Undo the one edit: the rest must be identical, field for field.
        JsonPaths.Set(edited.Root, ManagedClusterView.DisableRunCommandPath, true);
        Assert.True(JsonNode.DeepEquals(original.Root, edited.Root));
    }

    [Fact]
    public void Unknown_fields_survive_an_edit()
    {
        var cluster = ExampleClusters.PublicWith(null);
        cluster.Root["properties"]!["someFutureSetting"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3) };
        new ChangePlan().Set(cluster.Root, ManagedClusterView.AuthorizedIpRangesPath, new JsonArray("52.3.4.5/32")).ApplyTo(cluster.Root);
        Assert.Equal("{\"nested\":[1,2,3]}", cluster.Root["properties"]!["someFutureSetting"]!.ToJsonString());
    }

    [Fact]
    public void Addon_keys_are_matched_case_insensitively_and_keep_their_spelling()
    {
        var cluster = ExampleClusters.PublicWith(null);
        cluster.Root["properties"]!["addonProfiles"] = new JsonObject { ["azurepolicy"] = new JsonObject { ["enabled"] = false } };

        Assert.False(cluster.View.IsAddonEnabled("azurePolicy"));
        var plan = new ChangePlan().Set(cluster.Root, "properties.addonProfiles.azurePolicy.enabled", true);
        plan.ApplyTo(cluster.Root);

        var addons = cluster.Root["properties"]!["addonProfiles"]!.AsObject();
        Assert.Equal(new[] { "azurepolicy" }, addons.Select(a => a.Key));
        Assert.True(cluster.View.IsAddonEnabled("AZUREPOLICY"));
        Assert.Equal(new[] { "azurepolicy" }, cluster.View.EnabledAddons);
    }

    [Fact]
    public void String_config_values_read_as_booleans()
    {
        var cluster = ExampleClusters.PublicWith(null);
        cluster.Root["properties"]!["addonProfiles"] = new JsonObject { ["omsAgent"] = new JsonObject { ["enabled"] = "true" } };
        Assert.True(cluster.View.IsAddonEnabled("omsagent"));
    }

    [Fact]
    public void Secret_fields_are_never_shown_in_a_plan()
    {
        var cluster = ExampleClusters.PublicWith(null);
        cluster.Root["properties"]!["aadProfile"] = new JsonObject { ["serverAppSecret"] = "s3cr3t-legacy" };
        var plan = new ChangePlan().Set(cluster.Root, "properties.aadProfile.serverAppSecret", null);

        Assert.Equal("properties.aadProfile.serverAppSecret: (secret, not shown) -> (absent)", plan.Describe());
        Assert.DoesNotContain("s3cr3t", string.Join("\n", JsonDiff.Changes(new JsonObject { ["clientSecret"] = "s3cr3t" }, new JsonObject { ["clientSecret"] = "other" })));
    }

    [Fact]
    public void Setting_a_value_already_there_adds_no_change()
    {
        var cluster = ExampleClusters.Load("prod-restricted.json");
        var plan = new ChangePlan().Set(cluster.Root, ManagedClusterView.AuthorizedIpRangesPath, new JsonArray("20.10.0.0/24", "52.3.4.5/32"));
        Assert.True(plan.IsEmpty);
    }
}
