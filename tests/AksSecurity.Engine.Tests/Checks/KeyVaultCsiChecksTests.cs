using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class KeyVaultCsiChecksTests
{
    private const string Addon = "properties.addonProfiles.azureKeyvaultSecretsProvider";

    private static JsonObject Profile(string? rotation, string? interval, bool enabled = true)
    {
        var config = new JsonObject();
        if (rotation is not null)
        {
            config["enableSecretRotation"] = rotation;
        }

        if (interval is not null)
        {
            config["rotationPollInterval"] = interval;
        }

        return new JsonObject { ["enabled"] = enabled, ["config"] = config };
    }

    [Fact]
    public void The_published_example_passes()
    {
        var result = KeyVaultCsiChecks.Evaluate(KeyVaultClusters.Example());
        Assert.True(result.Passed, string.Join("; ", result.Findings));
        Assert.Equal(new[] { "AKS-KV-001", "AKS-KV-002", "AKS-KV-003" }, result.ChecksRun);
    }

    [Fact]
    public void Addon_off_is_reported_and_the_checks_that_need_it_do_not_run()
    {
        var result = KeyVaultCsiChecks.Evaluate(KeyVaultClusters.WithoutAddon());
        var off = Assert.Single(result.Findings);
        Assert.Equal("AKS-KV-001", off.CheckId);
        Assert.Equal(Severity.Medium, off.Severity);
        Assert.Equal($"{Addon}.enabled", off.JsonPath);
        Assert.Equal($"Enable-AksKeyVaultCsi -Id '{KeyVaultClusters.WithoutAddon().View.Id}' -EnableSecretRotation", off.Remediation);
        Assert.Equal(new[] { "AKS-KV-001" }, result.ChecksRun);
    }

    [Theory]
    [InlineData("false", "is \"false\"")]
    [InlineData(null, "absent (off)")]
    [InlineData("yes", "\"yes\", which is not true or false")]
    public void Rotation_off_is_reported_with_what_was_read(string? rotation, string evidence)
    {
        var result = KeyVaultCsiChecks.Evaluate(KeyVaultClusters.WithAddon(Profile(rotation, "2m")));
        var finding = Assert.Single(result.Findings);
        Assert.Equal("AKS-KV-002", finding.CheckId);
        Assert.Contains(evidence, finding.Evidence);
        Assert.Equal($"{Addon}.config.enableSecretRotation", finding.JsonPath);
        Assert.DoesNotContain("AKS-KV-003", result.ChecksRun);
    }

    [Theory]
    [InlineData("2m", false)]
    [InlineData("1h", false)]
    [InlineData("3600s", false)]
    [InlineData("61m", true)]
    [InlineData("1h0m1s", true)]
    [InlineData("24h", true)]
    [InlineData(null, false)]
    public void Intervals_longer_than_an_hour_are_reported(string? interval, bool reported)
    {
        var result = KeyVaultCsiChecks.Evaluate(KeyVaultClusters.WithAddon(Profile("true", interval)));
        Assert.Equal(reported, result.Findings.Any(f => f.CheckId == "AKS-KV-003"));
        Assert.Contains("AKS-KV-003", result.ChecksRun);
    }

    [Fact]
    public void The_threshold_is_the_callers_choice_and_the_finding_names_it()
    {
        var cluster = KeyVaultClusters.WithAddon(Profile("true", "30m"));
        var strict = KeyVaultCsiChecks.Evaluate(cluster, new KeyVaultCsiCheckOptions { MaximumRotationInterval = TimeSpan.FromMinutes(10) });
        var finding = Assert.Single(strict.Findings);
        Assert.Equal("Rotation poll interval is longer than 10m", finding.Title);
        Assert.Contains("\"30m\" (30 minutes)", finding.Evidence);
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Contains("-RotationPollInterval 2m", finding.Remediation);
        Assert.True(KeyVaultCsiChecks.Evaluate(cluster).Passed);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-2m")]
    [InlineData("0")]
    public void An_interval_the_driver_cannot_use_is_reported(string interval)
    {
        var finding = Assert.Single(KeyVaultCsiChecks.Evaluate(KeyVaultClusters.WithAddon(Profile("true", interval))).Findings);
        Assert.Equal("AKS-KV-003", finding.CheckId);
        Assert.Contains("not a positive duration", finding.Evidence);
    }

    [Fact]
    public void Key_spelling_does_not_matter_and_the_evidence_names_the_key_as_written()
    {
        var cluster = KeyVaultClusters.WithAddon(Profile("false", "2m"), key: "azurekeyvaultsecretsprovider");
        var finding = Assert.Single(KeyVaultCsiChecks.Evaluate(cluster).Findings);
        Assert.Equal("AKS-KV-002", finding.CheckId);
        Assert.Equal("properties.addonProfiles.azurekeyvaultsecretsprovider.config.enableSecretRotation", finding.JsonPath);
    }

    [Fact]
    public void A_disabled_addon_with_settings_is_still_off()
    {
        var result = KeyVaultCsiChecks.Evaluate(KeyVaultClusters.WithAddon(Profile("true", "2m", enabled: false)));
        Assert.Equal("AKS-KV-001", Assert.Single(result.Findings).CheckId);
    }

    [Fact]
    public void A_threshold_that_is_not_positive_is_refused()
    {
        var ex = Assert.Throws<AksSecurityException>(() => KeyVaultCsiChecks.Evaluate(KeyVaultClusters.Example(), new KeyVaultCsiCheckOptions { MaximumRotationInterval = TimeSpan.Zero }));
        Assert.Equal(AksErrorKind.InvalidArgument, ex.Kind);
    }
}
