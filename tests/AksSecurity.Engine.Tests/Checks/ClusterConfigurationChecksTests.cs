using System.Text.Json.Nodes;
using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Tests.TestData;

namespace AksSecurity.Engine.Tests.Checks;

public class ClusterConfigurationChecksTests
{
    private static string[] Ids(ClusterTestResult result) => result.Findings.Select(f => f.CheckId).ToArray();

    /// <summary>The ManagedClustersGet example with every setting these checks want.</summary>
    private static ManagedClusterDocument Hardened()
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        var properties = cluster.Root["properties"]!.AsObject();
        properties["oidcIssuerProfile"] = new JsonObject { ["enabled"] = true };
        properties["securityProfile"] = new JsonObject
        {
            ["workloadIdentity"] = new JsonObject { ["enabled"] = true },
            ["imageCleaner"] = new JsonObject { ["enabled"] = true, ["intervalHours"] = 168 },
            ["azureKeyVaultKms"] = new JsonObject { ["enabled"] = true, ["keyId"] = "https://kv.vault.azure.net/keys/etcd/0123", ["keyVaultNetworkAccess"] = "Public" },
        };
        properties["nodeResourceGroupProfile"] = new JsonObject { ["restrictionLevel"] = "ReadOnly" };
        properties["networkProfile"]!["networkPolicy"] = "cilium";
        properties["servicePrincipalProfile"] = new JsonObject { ["clientId"] = "msi" };
        cluster.Root["identity"] = new JsonObject { ["type"] = "SystemAssigned" };
        cluster.Root["sku"] = new JsonObject { ["name"] = "Base", ["tier"] = "Standard" };
        var pool = properties["agentPoolProfiles"]![0]!.AsObject();
        pool["enableFIPS"] = true;
        pool["enableEncryptionAtHost"] = true;
        pool["enableAutoScaling"] = true;
        pool["securityProfile"] = new JsonObject { ["sshAccess"] = "Disabled", ["enableSecureBoot"] = true, ["enableVTPM"] = true };
        return cluster;
    }

    [Fact]
    public void The_published_cluster_shows_every_default_that_is_not_hardened()
    {
        var result = ClusterConfigurationChecks.Evaluate(ExampleClusters.Load("dev-open.json"));

        Assert.Equal(new[]
        {
            "AKS-CFG-001", "AKS-CFG-002", "AKS-CFG-003", "AKS-CFG-004", "AKS-CFG-005", "AKS-CFG-007", "AKS-CFG-008", "AKS-CFG-009", "AKS-CFG-013", "AKS-CFG-017",
            "AKS-CFG-012", "AKS-CFG-014",
        }, Ids(result));
        Assert.Equal(17, result.ChecksRun.Count);
        var kms = result.Findings.Single(f => f.CheckId == "AKS-CFG-003");
        Assert.Equal("properties.securityProfile.azureKeyVaultKms.enabled", kms.JsonPath);
        Assert.Contains("Host encryption of node disks is a different setting", kms.Evidence);
        Assert.Contains("--enable-azure-keyvault-kms", kms.Remediation);
        var network = result.Findings.Single(f => f.CheckId == "AKS-CFG-005");
        Assert.Contains("not set (the service's default is none)", network.Evidence);
        var ssh = result.Findings.Single(f => f.CheckId == "AKS-CFG-007");
        Assert.Equal("properties.agentPoolProfiles[0].securityProfile.sshAccess", ssh.JsonPath);
        Assert.Contains("nodepool1", ssh.Title);
    }

    [Fact]
    public void A_hardened_cluster_passes_every_check()
    {
        var result = ClusterConfigurationChecks.Evaluate(Hardened());
        Assert.True(result.Passed, string.Join("; ", result.Findings));
        Assert.Equal(17, result.ChecksRun.Count);
    }

    [Fact]
    public void Workload_identity_without_the_oidc_issuer_is_still_off()
    {
        // The published SecurityProfile example enables workload identity but shows no oidcIssuerProfile.
        var result = ClusterConfigurationChecks.Evaluate(ArmExamples.Cluster("ManagedClustersCreate_SecurityProfile.json"));
        var finding = result.Findings.Single(f => f.CheckId == "AKS-CFG-001");
        Assert.Equal("properties.oidcIssuerProfile.enabled", finding.JsonPath);
        Assert.Contains("workloadIdentity.enabled is true", finding.Evidence);
        Assert.StartsWith("Enable-AksWorkloadIdentity -Id '", finding.Remediation);
    }

    [Fact]
    public void Node_public_ips_are_high_and_set_at_creation_only()
    {
        // ManagedClustersCreate_DisableRunCommand's pool has enableNodePublicIP true.
        var result = ClusterConfigurationChecks.Evaluate(ExampleClusters.Load("test-wide.json"));
        var finding = result.Findings.Single(f => f.CheckId == "AKS-CFG-006");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("properties.agentPoolProfiles[0].enableNodePublicIP", finding.JsonPath);
        Assert.StartsWith("Set at creation only", finding.Remediation);
    }

    [Theory]
    [InlineData("Disabled", false)]
    [InlineData("EntraId", false)]
    [InlineData("LocalUser", true)]
    public void Ssh_with_local_keys_is_reported(string access, bool reported)
    {
        var cluster = Hardened();
        cluster.Root["properties"]!["agentPoolProfiles"]![0]!["securityProfile"]!["sshAccess"] = access;
        Assert.Equal(reported, Ids(ClusterConfigurationChecks.Evaluate(cluster)).Contains("AKS-CFG-007"));
    }

    [Fact]
    public void Windows_pools_are_not_asked_for_disabled_ssh_or_trusted_launch()
    {
        var cluster = ExampleClusters.Load("dev-open.json");
        cluster.Root["properties"]!["agentPoolProfiles"]![0]!["osType"] = "Windows";
        var ids = Ids(ClusterConfigurationChecks.Evaluate(cluster));
        Assert.DoesNotContain("AKS-CFG-007", ids);
        Assert.DoesNotContain("AKS-CFG-009", ids);
        Assert.Contains("AKS-CFG-008", ids);
    }

    [Fact]
    public void Trusted_launch_needs_both_secure_boot_and_vtpm()
    {
        var cluster = Hardened();
        cluster.Root["properties"]!["agentPoolProfiles"]![0]!["securityProfile"]!["enableVTPM"] = false;
        var finding = Assert.Single(ClusterConfigurationChecks.Evaluate(cluster).Findings);
        Assert.Equal("AKS-CFG-009", finding.CheckId);
        Assert.Contains("enableVTPM is not true", finding.Evidence);
    }

    [Fact]
    public void Each_pool_gets_its_own_finding()
    {
        var cluster = Hardened();
        var pools = cluster.Root["properties"]!["agentPoolProfiles"]!.AsArray();
        var second = pools[0]!.DeepClone().AsObject();
        second["name"] = "userpool";
        second["enableFIPS"] = false;
        pools.Add(second);
        var finding = Assert.Single(ClusterConfigurationChecks.Evaluate(cluster).Findings);
        Assert.Equal(("AKS-CFG-008", "properties.agentPoolProfiles[1].enableFIPS"), (finding.CheckId, finding.JsonPath));
        Assert.Contains("userpool", finding.Remediation);
    }

    [Fact]
    public void Legacy_add_ons_are_found_whatever_the_key_spelling()
    {
        var cluster = Hardened();
        cluster.Root["properties"]!["addonProfiles"] = new JsonObject
        {
            ["KubeDashboard"] = new JsonObject { ["enabled"] = true },
            ["httpapplicationrouting"] = new JsonObject { ["enabled"] = true, ["config"] = new JsonObject { ["HTTPApplicationRoutingZoneName"] = "abc.location1.aksapp.io" } },
        };
        var result = ClusterConfigurationChecks.Evaluate(cluster);
        Assert.Equal(new[] { "AKS-CFG-010", "AKS-CFG-011" }, Ids(result));
        Assert.Equal(Severity.High, result.Findings[0].Severity);
        Assert.Contains("Disable-AksLegacyAddon", result.Findings[0].Remediation);
        Assert.Contains("-Addon httpApplicationRouting", result.Findings[1].Remediation);

        cluster.Root["properties"]!["addonProfiles"]!["KubeDashboard"]!["enabled"] = false;
        Assert.Equal(new[] { "AKS-CFG-011" }, Ids(ClusterConfigurationChecks.Evaluate(cluster)));
    }

    [Fact]
    public void Az_cli_output_reads_like_arm_output()
    {
        // az aks show flattens properties and spells enableFips, enableVtpm, oidcIssuerProfile.issuerUrl.
        var document = ExampleClusters.Load("dev-open.json").Root;
        var flat = new JsonObject { ["id"] = document["id"]!.DeepClone(), ["name"] = "az-cluster", ["location"] = "westeurope" };
        flat["oidcIssuerProfile"] = new JsonObject { ["enabled"] = true, ["issuerUrl"] = "https://oidc" };
        flat["securityProfile"] = new JsonObject { ["workloadIdentity"] = new JsonObject { ["enabled"] = true } };
        flat["agentPoolProfiles"] = new JsonArray(new JsonObject
        {
            ["name"] = "nodepool1",
            ["enableFips"] = true,
            ["securityProfile"] = new JsonObject { ["sshAccess"] = "Disabled", ["enableSecureBoot"] = true, ["enableVtpm"] = true },
        });
        var entry = Assert.Single(AksSecurity.Engine.Documents.ClusterDocumentReader.ReadJson(flat.ToJsonString(), "az.json"));
        var ids = Ids(ClusterConfigurationChecks.Evaluate(entry.Document));
        Assert.DoesNotContain("AKS-CFG-001", ids);
        Assert.DoesNotContain("AKS-CFG-008", ids);
        Assert.DoesNotContain("AKS-CFG-009", ids);
    }

    [Theory]
    [InlineData("SystemAssigned", "msi", false)]
    [InlineData("UserAssigned", null, false)]
    [InlineData(null, "msi", false)]
    [InlineData(null, "00000000-0000-0000-0000-000000000000", false)]
    [InlineData(null, "4f6c2b1e-8e47-4b6a-9c3d-1f0a2b3c4d5e", true)]
    [InlineData("None", "4f6c2b1e-8e47-4b6a-9c3d-1f0a2b3c4d5e", true)]
    public void A_service_principal_cluster_is_reported(string? identityType, string? clientId, bool reported)
    {
        var cluster = Hardened();
        cluster.Root.Remove("identity");
        cluster.Root["properties"]!.AsObject().Remove("servicePrincipalProfile");
        if (identityType is not null)
        {
            cluster.Root["identity"] = new JsonObject { ["type"] = identityType };
        }

        if (clientId is not null)
        {
            cluster.Root["properties"]!["servicePrincipalProfile"] = new JsonObject { ["clientId"] = clientId };
        }

        var result = ClusterConfigurationChecks.Evaluate(cluster);
        Assert.Equal(reported, Ids(result).Contains("AKS-CFG-012"));
        if (reported)
        {
            var finding = result.Findings.Single(f => f.CheckId == "AKS-CFG-012");
            Assert.Equal(Severity.Medium, finding.Severity);
            Assert.Contains("--enable-managed-identity", finding.Remediation);
        }
    }

    [Fact]
    public void Neither_identity_nor_service_principal_gives_no_verdict()
    {
        // A template may leave both out; the check is not run rather than guessed.
        var cluster = Hardened();
        cluster.Root.Remove("identity");
        cluster.Root["properties"]!.AsObject().Remove("servicePrincipalProfile");
        Assert.DoesNotContain("AKS-CFG-012", ClusterConfigurationChecks.Evaluate(cluster).ChecksRun);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("Free", true)]
    [InlineData("free", true)]
    [InlineData("Standard", false)]
    [InlineData("Premium", false)]
    public void The_free_tier_is_reported_and_is_the_default(string? tier, bool reported)
    {
        var cluster = Hardened();
        cluster.Root.Remove("sku");
        if (tier is not null)
        {
            cluster.Root["sku"] = new JsonObject { ["name"] = "Base", ["tier"] = tier };
        }

        var finding = ClusterConfigurationChecks.Evaluate(cluster).Findings.SingleOrDefault(f => f.CheckId == "AKS-CFG-014");
        Assert.Equal(reported, finding is not null);
        Assert.True(finding is null || finding.JsonPath == "sku.tier");
    }

    [Fact]
    public void The_basic_load_balancer_is_reported()
    {
        var cluster = Hardened();
        cluster.Root["properties"]!["networkProfile"]!["loadBalancerSku"] = "Basic";
        var finding = Assert.Single(ClusterConfigurationChecks.Evaluate(cluster).Findings);
        Assert.Equal(("AKS-CFG-015", "properties.networkProfile.loadBalancerSku"), (finding.CheckId, finding.JsonPath));
        Assert.Contains("30 September 2025", finding.Evidence);
    }

    [Fact]
    public void Pools_without_host_encryption_are_reported_each()
    {
        var cluster = Hardened();
        var pools = cluster.Root["properties"]!["agentPoolProfiles"]!.AsArray();
        var second = pools[0]!.DeepClone().AsObject();
        second["name"] = "userpool";
        second.Remove("enableEncryptionAtHost");
        pools.Add(second);
        var finding = Assert.Single(ClusterConfigurationChecks.Evaluate(cluster).Findings);
        Assert.Equal(("AKS-CFG-013", "properties.agentPoolProfiles[1].enableEncryptionAtHost"), (finding.CheckId, finding.JsonPath));
        Assert.Contains("'userpool'", finding.Title);
    }

    [Fact]
    public void An_availability_set_pool_is_reported_and_not_asked_to_autoscale()
    {
        var cluster = Hardened();
        var pool = cluster.Root["properties"]!["agentPoolProfiles"]![0]!.AsObject();
        pool["type"] = "AvailabilitySet";
        pool["enableAutoScaling"] = false;
        var finding = Assert.Single(ClusterConfigurationChecks.Evaluate(cluster).Findings);
        Assert.Equal(("AKS-CFG-016", "properties.agentPoolProfiles[0].type"), (finding.CheckId, finding.JsonPath));
    }

    [Fact]
    public void Pools_that_do_not_autoscale_are_reported_unless_nodes_are_auto_provisioned()
    {
        var cluster = Hardened();
        cluster.Root["properties"]!["agentPoolProfiles"]![0]!["enableAutoScaling"] = false;
        var finding = Assert.Single(ClusterConfigurationChecks.Evaluate(cluster).Findings);
        Assert.Equal(("AKS-CFG-017", Severity.Low), (finding.CheckId, finding.Severity));
        Assert.Contains("--enable-cluster-autoscaler", finding.Remediation);

        cluster.Root["properties"]!["nodeProvisioningProfile"] = new JsonObject { ["mode"] = "Auto" };
        var result = ClusterConfigurationChecks.Evaluate(cluster);
        Assert.True(result.Passed);
        Assert.DoesNotContain("AKS-CFG-017", result.ChecksRun);
    }
}
