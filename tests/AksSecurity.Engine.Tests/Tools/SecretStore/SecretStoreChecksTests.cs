using AksSecurity.Engine.Checks;
using AksSecurity.Engine.Tests.TestData;
using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Tests.Tools.SecretStore;

public class SecretStoreChecksTests
{
    private static ClusterTestResult Evaluate(SecretStoreEvidence evidence) => SecretStoreChecks.Evaluate("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1", "aks1", "aks1", evidence);

    [Fact]
    public void A_healthy_add_on_with_workload_identity_classes_passes_every_check()
    {
        var result = Evaluate(SecretStoreScenarios.Healthy());

        Assert.True(result.Passed, string.Join("\n", result.Findings.Select(f => f.Evidence)));
        Assert.Equal(new[] { "AKS-SSC-001", "AKS-SSC-002", "AKS-SSC-003", "AKS-SSC-004", "AKS-SSC-005", "AKS-SSC-006", "AKS-SSC-007", "AKS-SSC-008" }, result.ChecksRun.Order());
        Assert.Equal("aks1", result.ClusterName);
    }

    [Fact]
    public void Each_problem_is_a_finding_naming_the_object_the_path_and_the_value()
    {
        var findings = Evaluate(SecretStoreScenarios.EveryCheckFails()).Findings;

        string Evidence(string id) => Assert.Single(findings, f => f.CheckId == id).Evidence;
        Assert.Contains("DaemonSet kube-system/aks-secrets-store-csi-driver does not exist", Evidence("AKS-SSC-001"));
        Assert.Contains("DaemonSet kube-system/aks-secrets-store-provider-azure status.desiredNumberScheduled is 3, status.numberReady is 1", Evidence("AKS-SSC-002"));
        Assert.Contains("SecretProviderClass app/misspelt spec.provider is \"Azure\"", Evidence("AKS-SSC-003"));
        Assert.Contains("SecretProviderClass app/pod-identity spec.parameters.usePodIdentity is \"true\"", Evidence("AKS-SSC-004"));
        Assert.Contains("SecretProviderClass app/node-identity spec.parameters.useVMManagedIdentity is \"True\" (userAssignedIdentityID " + SecretStoreScenarios.Client + ")", Evidence("AKS-SSC-005"));
        Assert.Contains("SecretProviderClass app/secret-creds has no spec.parameters.clientID", Evidence("AKS-SSC-006"));
        Assert.Contains("SecretProviderClass ops/vault-plain spec.parameters.vaultAddress is \"http://vault.ops:8200\"", Evidence("AKS-SSC-008"));

        var missing = findings.Where(f => f.CheckId == "AKS-SSC-007").Select(f => f.Evidence).ToList();
        Assert.Equal(2, missing.Count);
        Assert.Contains(missing, e => e.Contains("app/node-identity (azure) has no spec.parameters.tenantID"));
        Assert.Contains(missing, e => e.Contains("ops/vault-plain (vault) has no spec.parameters.roleName"));
        Assert.All(findings, f => Assert.Equal("aks1", f.ClusterName));
        Assert.Equal("spec.parameters.usePodIdentity", findings.Single(f => f.CheckId == "AKS-SSC-004").JsonPath);
    }

    [Fact]
    public void The_deprecated_tenantId_spelling_counts_and_gcp_and_aws_classes_are_known_but_not_checked()
    {
        var evidence = new SecretStoreEvidence
        {
            DaemonSets = SecretStoreScenarios.Healthy().DaemonSets,
            Classes = new[]
            {
                SecretStoreScenarios.Class("app", "old-tenant", "azure", ("clientID", SecretStoreScenarios.Client), ("keyvaultName", "kv"), ("tenantId", SecretStoreScenarios.Tenant)),
                SecretStoreScenarios.Class("app", "aws", "aws", ("usePodIdentity", "true")),
            },
        };

        Assert.True(Evaluate(evidence).Passed);
    }

    [Fact]
    public void A_daemonset_with_no_nodes_to_run_on_is_ready_and_a_missing_provider_field_is_reported()
    {
        var evidence = new SecretStoreEvidence
        {
            DaemonSets = new[] { SecretStoreScenarios.Ready(SecretStoreChecks.DriverDaemonSet, 0), SecretStoreScenarios.Ready(SecretStoreChecks.AzureProviderDaemonSet, 0) },
            Classes = new[] { SecretStoreScenarios.Class("app", "no-provider", null) },
        };

        var finding = Assert.Single(Evaluate(evidence).Findings);
        Assert.Equal("AKS-SSC-003", finding.CheckId);
        Assert.Contains("spec.provider is absent", finding.Evidence);
    }

    [Fact]
    public void The_arm_audit_skips_the_checks_without_the_objects_and_runs_them_with_them()
    {
        var offline = new SecurityAudit().Evaluate(new ClusterEvidence(ExampleClusters.Load("dev-open.json"), online: false));
        var skipped = offline.Skipped.Where(s => s.CheckId.StartsWith("AKS-SSC-")).ToList();
        Assert.Equal(8, skipped.Count);
        Assert.All(skipped, s => Assert.StartsWith("Runs inside the cluster only: Test-AksSecretStore reads", s.Reason));

        var evidence = new ClusterEvidence(ExampleClusters.Load("dev-open.json"), online: false) { SecretStore = SecretStoreScenarios.EveryCheckFails() };
        var audited = new SecurityAudit().Evaluate(evidence);
        Assert.DoesNotContain(audited.Skipped, s => s.CheckId.StartsWith("AKS-SSC-"));
        Assert.Contains(audited.Findings, f => f.CheckId == "AKS-SSC-004");
    }
}
