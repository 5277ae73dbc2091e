using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Hardening;

public class KeyVaultCsiChangeTests
{
    private const string Addon = "properties.addonProfiles.azureKeyvaultSecretsProvider";

    private static ChangePlan Plan(ManagedClusterDocument cluster, KeyVaultCsiRequest request) => new KeyVaultCsiChange(request).Plan(cluster);

    private static string[] Lines(ChangePlan plan) => plan.Changes.Select(c => c.ToString()).ToArray();

    [Fact]
    public void Turning_the_addon_on_writes_it_out_with_the_services_defaults()
    {
        var plan = Plan(KeyVaultClusters.WithoutAddon(), new());

        Assert.Equal(new[]
        {
            $"{Addon}.enabled: (absent) -> true",
            $"{Addon}.config.enableSecretRotation: (absent) -> \"false\"",
            $"{Addon}.config.rotationPollInterval: (absent) -> \"2m\"",
        }, Lines(plan));
        var cluster = KeyVaultClusters.WithoutAddon();
        plan.ApplyTo(cluster.Root);
        // The same shape as the published example, strings and all.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"enabled": true, "config": {"enableSecretRotation": "false", "rotationPollInterval": "2m"}}"""),
            JsonPaths.Get(cluster.Root, Addon)));
    }

    [Fact]
    public void Rotation_and_interval_are_written_as_the_strings_the_service_expects()
    {
        var plan = Plan(KeyVaultClusters.WithoutAddon(), new() { EnableSecretRotation = true, RotationPollInterval = "00:05:00" });

        Assert.Contains($"{Addon}.config.enableSecretRotation: (absent) -> \"true\"", Lines(plan));
        Assert.Contains($"{Addon}.config.rotationPollInterval: (absent) -> \"5m\"", Lines(plan));
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void The_published_example_is_already_as_asked()
    {
        var plan = Plan(KeyVaultClusters.Example(), new() { EnableSecretRotation = true, RotationPollInterval = "120s" });
        Assert.True(plan.IsEmpty, plan.Describe());
    }

    [Fact]
    public void Applying_the_plan_and_planning_again_is_no_change()
    {
        var cluster = KeyVaultClusters.WithoutAddon();
        var change = new KeyVaultCsiChange(new() { EnableSecretRotation = true, RotationPollInterval = "90s" });
        change.Plan(cluster).ApplyTo(cluster.Root);
        Assert.True(change.Plan(cluster).IsEmpty);
    }

    [Fact]
    public void Only_the_asked_setting_changes_on_an_enabled_addon()
    {
        var plan = Plan(KeyVaultClusters.Example(), new() { RotationPollInterval = "30m" });
        Assert.Equal(new[] { $"{Addon}.config.rotationPollInterval: \"2m\" -> \"30m\"" }, Lines(plan));
    }

    [Fact]
    public void Asking_for_a_default_the_addon_already_has_by_omission_is_no_change()
    {
        var cluster = KeyVaultClusters.WithAddon(new JsonObject { ["enabled"] = true });
        Assert.True(Plan(cluster, new() { EnableSecretRotation = false, RotationPollInterval = "2m" }).IsEmpty);
        Assert.Equal(new[] { $"{Addon}.config.enableSecretRotation: (absent) -> \"true\"" }, Lines(Plan(cluster, new() { EnableSecretRotation = true })));
    }

    [Fact]
    public void The_key_is_kept_as_the_document_spells_it()
    {
        var cluster = KeyVaultClusters.WithAddon(new JsonObject { ["enabled"] = false, ["config"] = new JsonObject { ["EnableSecretRotation"] = "false" } },
            key: "azurekeyvaultsecretsprovider");
        var plan = Plan(cluster, new() { EnableSecretRotation = true });

        Assert.Contains("properties.addonProfiles.azurekeyvaultsecretsprovider.enabled: false -> true", Lines(plan));
        Assert.Contains("properties.addonProfiles.azurekeyvaultsecretsprovider.config.EnableSecretRotation: \"false\" -> \"true\"", Lines(plan));
        plan.ApplyTo(cluster.Root);
        var addons = cluster.Root["properties"]!["addonProfiles"]!.AsObject();
        Assert.Equal(new[] { "azurekeyvaultsecretsprovider" }, addons.Select(a => a.Key));
        Assert.True(cluster.View.KeyVaultSecretsProviderEnabled);
        Assert.True(cluster.View.SecretRotationEnabled);
    }

    [Fact]
    public void Re_enabling_keeps_the_settings_the_addon_had()
    {
        var cluster = KeyVaultClusters.WithAddon(new JsonObject
        {
            ["enabled"] = false,
            ["config"] = new JsonObject { ["enableSecretRotation"] = "true", ["rotationPollInterval"] = "5m" },
        });
        Assert.Equal(new[] { $"{Addon}.enabled: false -> true" }, Lines(Plan(cluster, new())));
    }

    [Fact]
    public void Disable_turns_the_addon_off_with_a_warning_and_leaves_its_settings()
    {
        var change = new KeyVaultCsiChange(new() { Disable = true });
        var plan = change.Plan(KeyVaultClusters.Example());

        Assert.Equal(new[] { $"{Addon}.enabled: true -> false" }, Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("cannot start or restart"));
        Assert.True(change.TurnsAddonOff);
        Assert.Equal("Disable the Key Vault secrets provider add-on", change.Action);
    }

    [Fact]
    public void Disabling_an_addon_that_is_off_or_absent_is_no_change()
    {
        var change = new KeyVaultCsiChange(new() { Disable = true });
        Assert.True(change.Plan(KeyVaultClusters.WithoutAddon()).IsEmpty);
        Assert.False(change.TurnsAddonOff);
        Assert.True(change.Plan(KeyVaultClusters.WithAddon(new JsonObject { ["enabled"] = false })).IsEmpty);
    }

    [Fact]
    public void The_confirmation_flag_follows_the_latest_plan()
    {
        var change = new KeyVaultCsiChange(new() { Disable = true });
        change.Plan(KeyVaultClusters.Example());
        Assert.True(change.TurnsAddonOff);
        change.Plan(KeyVaultClusters.WithoutAddon());
        Assert.False(change.TurnsAddonOff);
    }

    [Fact]
    public void An_unreadable_interval_is_replaced_when_one_is_asked_for()
    {
        var cluster = KeyVaultClusters.WithAddon(new JsonObject
        {
            ["enabled"] = true,
            ["config"] = new JsonObject { ["enableSecretRotation"] = "true", ["rotationPollInterval"] = "soon" },
        });
        Assert.Equal(new[] { $"{Addon}.config.rotationPollInterval: \"soon\" -> \"2m\"" }, Lines(Plan(cluster, new() { RotationPollInterval = "2m" })));
    }

    [Fact]
    public void An_interval_without_rotation_warns_that_it_waits_for_rotation()
    {
        var plan = Plan(KeyVaultClusters.WithoutAddon(), new() { RotationPollInterval = "5m" });
        Assert.Contains(plan.Warnings, w => w.Contains("takes effect once rotation is on"));
    }

    [Fact]
    public void An_interval_above_the_tests_threshold_is_allowed_with_a_warning()
    {
        var plan = Plan(KeyVaultClusters.Example(), new() { RotationPollInterval = "2h" });
        Assert.Contains($"{Addon}.config.rotationPollInterval: \"2m\" -> \"2h\"", Lines(plan));
        Assert.Contains(plan.Warnings, w => w.Contains("AKS-KV-003"));
    }

    [Theory]
    [InlineData("0", "must be positive")]
    [InlineData("-2m", "must be positive")]
    [InlineData("-00:02:00", "must be positive")]
    [InlineData("5s", "outside 10s to 24h")]
    [InlineData("25h", "outside 10s to 24h")]
    [InlineData("10.5s", "whole number of seconds")]
    [InlineData("2", "not a duration")]
    [InlineData("two minutes", "not a duration")]
    public void Bad_intervals_are_refused_before_anything_is_sent(string text, string reason)
    {
        var ex = Assert.Throws<AksSecurityException>(() => new KeyVaultCsiChange(new() { RotationPollInterval = text }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Equal("RotationPollInterval", ex.Target);
        Assert.Contains(reason, ex.Message);
    }

    [Theory]
    [InlineData("10s")]
    [InlineData("24h")]
    [InlineData("1.00:00:00")]
    public void The_bounds_themselves_are_allowed(string text) => _ = new KeyVaultCsiChange(new() { RotationPollInterval = text });

    [Fact]
    public void Disable_cannot_be_combined_with_settings()
    {
        var ex = Assert.Throws<AksSecurityException>(() => new KeyVaultCsiChange(new() { Disable = true, EnableSecretRotation = true }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
        Assert.Throws<AksSecurityException>(() => new KeyVaultCsiChange(new() { Disable = true, RotationPollInterval = "2m" }));
    }
}
