using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Checks of the other security settings of the cluster document: identity, image hygiene, secret encryption, node
/// resource group, network policy, node pools and legacy add-ons. All read the document only, so they run offline too.
/// Where a setting cannot be changed through this module, the remediation says how it is changed and what it costs.
/// </summary>
public static class ClusterConfigurationChecks
{
    public const string WorkloadIdentityOff = "AKS-CFG-001";
    public const string ImageCleanerOff = "AKS-CFG-002";
    public const string KmsOff = "AKS-CFG-003";
    public const string NodeResourceGroupUnrestricted = "AKS-CFG-004";
    public const string NoNetworkPolicy = "AKS-CFG-005";
    public const string NodePublicIp = "AKS-CFG-006";
    public const string SshAccessOpen = "AKS-CFG-007";
    public const string FipsOff = "AKS-CFG-008";
    public const string TrustedLaunchOff = "AKS-CFG-009";
    public const string KubeDashboardOn = "AKS-CFG-010";
    public const string HttpApplicationRoutingOn = "AKS-CFG-011";

    public static ClusterTestResult Evaluate(ManagedClusterDocument document) => Evaluate(new ClusterEvidence(document, online: false));

    public static ClusterTestResult Evaluate(ClusterEvidence evidence)
    {
        var run = new CheckRun(evidence);
        var view = run.View;
        var id = view.Id;

        run.Ran(WorkloadIdentityOff);
        if (!view.WorkloadIdentityEnabled || !view.OidcIssuerEnabled)
        {
            run.Fail(WorkloadIdentityOff, Severity.Medium, "Workload identity is off",
                $"{ManagedClusterView.WorkloadIdentityEnabledPath} is {Bool(view.WorkloadIdentityEnabled)} and {ManagedClusterView.OidcIssuerEnabledPath} is {Bool(view.OidcIssuerEnabled)}: pods that call Azure need stored secrets or the node's identity instead of short-lived federated tokens.",
                $"Enable-AksWorkloadIdentity -Id '{id}'", view.WorkloadIdentityEnabled ? ManagedClusterView.OidcIssuerEnabledPath : ManagedClusterView.WorkloadIdentityEnabledPath);
        }

        run.Ran(ImageCleanerOff);
        if (!view.ImageCleanerEnabled)
        {
            run.Fail(ImageCleanerOff, Severity.Low, "Image Cleaner is off",
                $"{ManagedClusterView.ImageCleanerEnabledPath} is {Bool(view.ImageCleanerEnabled)}: unused images, including ones with known vulnerabilities, stay on the nodes.",
                $"Enable-AksImageCleaner -Id '{id}' -IntervalHours {ImageCleanerChange.DefaultIntervalHours}", ManagedClusterView.ImageCleanerEnabledPath);
        }

        run.Ran(KmsOff);
        if (!view.KmsEnabled)
        {
            run.Fail(KmsOff, Severity.Medium, "Kubernetes secrets are not encrypted with a Key Vault key (KMS)",
                $"{ManagedClusterView.KmsEnabledPath} is {Bool(view.KmsEnabled)}: secrets in etcd are encrypted with platform-managed keys only. (Host encryption of node disks is a different setting.)",
                $"Not changed by this module, because it needs a Key Vault key and access for the cluster identity first: create the key, grant the cluster's identity the Key Vault Crypto User role on it, then az aks update -g {view.ResourceGroupName} -n {view.Name} --enable-azure-keyvault-kms --azure-keyvault-kms-key-id <key id> (see https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption).",
                ManagedClusterView.KmsEnabledPath);
        }

        run.Ran(NodeResourceGroupUnrestricted);
        if (!NodeResourceGroupRestrictionChange.ReadOnly.Equals(view.NodeResourceGroupRestrictionLevel, StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(NodeResourceGroupUnrestricted, Severity.Low, "Node resource group is not locked down",
                $"{ManagedClusterView.NodeResourceGroupRestrictionLevelPath} is {Text(view.NodeResourceGroupRestrictionLevel, "Unrestricted")}: anyone with rights on the node resource group can change the cluster's VMs, disks and network resources directly.",
                $"Set-AksNodeResourceGroupRestriction -Id '{id}' -RestrictionLevel ReadOnly", ManagedClusterView.NodeResourceGroupRestrictionLevelPath);
        }

        run.Ran(NoNetworkPolicy);
        if (view.NetworkPolicy is null || view.NetworkPolicy.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(NoNetworkPolicy, Severity.Medium, "No network policy engine",
                $"{ManagedClusterView.NetworkPolicyPath} is {Text(view.NetworkPolicy, "none")}: Kubernetes NetworkPolicy objects are not enforced, so every pod can reach every other pod.",
                $"Not changed by this module: the engine depends on the network plugin and is mostly chosen at creation. On an Azure CNI cluster: az aks update -g {view.ResourceGroupName} -n {view.Name} --network-policy azure (or calico); Cilium needs the cilium dataplane (see https://learn.microsoft.com/azure/aks/use-network-policies).",
                ManagedClusterView.NetworkPolicyPath);
        }

        run.Ran(NodePublicIp, SshAccessOpen, FipsOff, TrustedLaunchOff);
        foreach (var pool in view.AgentPools)
        {
            CheckPool(run, view, pool);
        }

        run.Ran(KubeDashboardOn);
        if (view.IsAddonEnabled(ManagedClusterView.KubeDashboardAddon))
        {
            var path = $"{ManagedClusterView.AddonProfilesPath}.{ManagedClusterView.KubeDashboardAddon}.enabled";
            run.Fail(KubeDashboardOn, Severity.High, "Kubernetes dashboard add-on is on",
                $"{path} is true: the dashboard is a well-known way into clusters and is deprecated on AKS.",
                $"Disable-AksLegacyAddon -Id '{id}' -Addon {ManagedClusterView.KubeDashboardAddon}", path);
        }

        run.Ran(HttpApplicationRoutingOn);
        if (view.IsAddonEnabled(ManagedClusterView.HttpApplicationRoutingAddon))
        {
            var path = $"{ManagedClusterView.AddonProfilesPath}.{ManagedClusterView.HttpApplicationRoutingAddon}.enabled";
            run.Fail(HttpApplicationRoutingOn, Severity.Medium, "HTTP application routing add-on is on",
                $"{path} is true: the add-on is meant for development only, publishes apps in a public DNS zone without TLS, and is retired.",
                $"Move ingresses to the application routing add-on, then Disable-AksLegacyAddon -Id '{id}' -Addon {ManagedClusterView.HttpApplicationRoutingAddon}", path);
        }

        return run.Result();
    }

    private static void CheckPool(CheckRun run, ManagedClusterView view, AgentPoolView pool)
    {
        var poolCommand = $"az aks nodepool update -g {view.ResourceGroupName} --cluster-name {view.Name} -n {pool.Name}";
        if (pool.NodePublicIp)
        {
            run.Fail(NodePublicIp, Severity.High, $"Nodes of pool '{pool.Name}' have public IP addresses",
                $"{pool.Path}.enableNodePublicIP is true: every node is reachable from the internet on its own address.",
                $"Set at creation only: add a pool without node public IPs (az aks nodepool add ... without --enable-node-public-ip), move the workloads to it, and delete '{pool.Name}'.",
                $"{pool.Path}.enableNodePublicIP");
        }

        // Disabling SSH is not offered for Windows pools.
        var ssh = pool.SshAccess ?? "LocalUser";
        if (!pool.IsWindows && ssh.Equals("LocalUser", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(SshAccessOpen, Severity.Low, $"Nodes of pool '{pool.Name}' accept SSH with local keys",
                $"{pool.Path}.securityProfile.sshAccess is {Text(pool.SshAccess, "LocalUser")}: anyone holding the cluster's SSH key can log on to the nodes.",
                $"{poolCommand} --ssh-access disabled (or entraid); this reimages the pool's nodes. This module does not change node pools.",
                $"{pool.Path}.securityProfile.sshAccess");
        }

        if (!pool.Fips)
        {
            run.Fail(FipsOff, Severity.Low, $"Pool '{pool.Name}' does not use a FIPS-enabled OS image",
                $"{pool.Path}.enableFIPS is {Bool(pool.Fips)}: needed only where FIPS 140 validated cryptography is required.",
                $"Chosen when the pool is created (az aks nodepool add --enable-fips-image); Linux pools can be switched with {poolCommand} --enable-fips-image, which reimages the nodes. This module does not change node pools.",
                $"{pool.Path}.enableFIPS");
        }

        // Trusted launch is offered for Linux node images.
        if (!pool.IsWindows && (!pool.SecureBoot || !pool.Vtpm))
        {
            run.Fail(TrustedLaunchOff, Severity.Low, $"Pool '{pool.Name}' does not use trusted launch",
                $"{pool.Path}.securityProfile.enableSecureBoot is {Bool(pool.SecureBoot)} and {pool.Path}.securityProfile.enableVTPM is {Bool(pool.Vtpm)}: boot components are not verified or measured.",
                $"Chosen when the pool is created on a Gen2 VM size (az aks nodepool add --enable-secure-boot --enable-vtpm); an existing pool can be switched with {poolCommand} --enable-secure-boot --enable-vtpm, which reimages the nodes. This module does not change node pools.",
                $"{pool.Path}.securityProfile");
        }
    }

    private static string Bool(bool value) => value ? "true" : "not true";

    private static string Text(string? value, string serviceDefault) => value is null ? $"not set (the service's default is {serviceDefault})" : $"\"{value}\"";
}
