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
    public const string ServicePrincipalIdentity = "AKS-CFG-012";
    public const string HostEncryptionOff = "AKS-CFG-013";
    public const string FreeTier = "AKS-CFG-014";
    public const string BasicLoadBalancer = "AKS-CFG-015";
    public const string AvailabilitySetPool = "AKS-CFG-016";
    public const string NoAutoScaling = "AKS-CFG-017";

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

        run.Ran(NodePublicIp, SshAccessOpen, FipsOff, TrustedLaunchOff, HostEncryptionOff, AvailabilitySetPool);
        // Node auto provisioning scales nodes itself, so per-pool autoscaling is not asked for.
        if (!view.NodeAutoProvisioning)
        {
            run.Ran(NoAutoScaling);
        }

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

        CheckPlatform(run, view);
        return run.Result();
    }

    /// <summary>The checks PSRule for Azure and Checkov also make: cluster identity, pricing tier, load balancer SKU.</summary>
    private static void CheckPlatform(CheckRun run, ManagedClusterView view)
    {
        // A document that names neither a managed identity nor a service principal (a template leaving both out) gives no verdict.
        if (view.UsesManagedIdentity || view.ServicePrincipalClientId is not null)
        {
            run.Ran(ServicePrincipalIdentity);
        }

        if (!view.UsesManagedIdentity && view.ServicePrincipalClientId is not null)
        {
            run.Fail(ServicePrincipalIdentity, Severity.Medium, "The cluster uses a service principal, not a managed identity",
                $"{ManagedClusterView.IdentityTypePath} is {Text(view.IdentityType, "absent")} and {ManagedClusterView.ServicePrincipalClientIdPath} is \"{view.ServicePrincipalClientId}\": the cluster reaches Azure (load balancers, disks, registries) with a client secret that someone must store, rotate before it expires, and keep from leaking.",
                $"Not changed by this module: az aks update -g {view.ResourceGroupName} -n {view.Name} --enable-managed-identity, then az aks nodepool upgrade --node-image-only on each pool so the kubelet uses a managed identity too (see https://learn.microsoft.com/azure/aks/use-managed-identity).",
                ManagedClusterView.IdentityTypePath);
        }

        run.Ran(FreeTier);
        var tier = view.SkuTier ?? ManagedClusterView.DefaultSkuTier;
        if (tier.Equals(ManagedClusterView.DefaultSkuTier, StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(FreeTier, Severity.Low, "The control plane has no uptime SLA (Free tier)",
                $"{ManagedClusterView.SkuTierPath} is {Text(view.SkuTier, ManagedClusterView.DefaultSkuTier)}: the API server has no financially backed uptime SLA; Microsoft recommends the Free tier for experiments and small clusters only.",
                $"Not changed by this module (a billing change): az aks update -g {view.ResourceGroupName} -n {view.Name} --tier standard",
                ManagedClusterView.SkuTierPath);
        }

        run.Ran(BasicLoadBalancer);
        if (string.Equals(view.LoadBalancerSku, "basic", StringComparison.OrdinalIgnoreCase))
        {
            run.Fail(BasicLoadBalancer, Severity.Low, "The cluster uses the retired Basic load balancer",
                $"{ManagedClusterView.LoadBalancerSkuPath} is \"{view.LoadBalancerSku}\": Azure retired the Basic load balancer on 30 September 2025; it has no SLA and gets no fixes.",
                $"Not changed by this module: migrate to the Standard load balancer (see https://learn.microsoft.com/azure/aks/upgrade-basic-load-balancer-on-aks), e.g. az aks update -g {view.ResourceGroupName} -n {view.Name} --load-balancer-sku standard",
                ManagedClusterView.LoadBalancerSkuPath);
        }
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

        if (!pool.EncryptionAtHost)
        {
            run.Fail(HostEncryptionOff, Severity.Low, $"Pool '{pool.Name}' does not encrypt at host",
                $"{pool.Path}.enableEncryptionAtHost is {Bool(pool.EncryptionAtHost)}: the nodes' temporary disks and OS and data disk caches are not encrypted at rest on the VM host, and data between the host and Azure Storage flows unencrypted.",
                $"Set --enable-encryption-at-host on the pool (the subscription needs the Microsoft.Compute EncryptionAtHost feature); for whether '{pool.Name}' can be changed in place or needs a new pool, see https://learn.microsoft.com/azure/aks/enable-host-encryption. This module does not change node pools.",
                $"{pool.Path}.enableEncryptionAtHost");
        }

        if (pool.IsAvailabilitySet)
        {
            run.Fail(AvailabilitySetPool, Severity.Low, $"Pool '{pool.Name}' runs on an availability set",
                $"{pool.Path}.type is \"{pool.Type}\": availability-set pools cannot autoscale or span availability zones, and a cluster with one cannot have other node pools.",
                "Set at creation only: move the workloads to a cluster whose pools use virtual machine scale sets (the default).",
                $"{pool.Path}.type");
        }

        if (!view.NodeAutoProvisioning && pool.IsScaleSet && !pool.AutoScaling)
        {
            run.Fail(NoAutoScaling, Severity.Low, $"Pool '{pool.Name}' does not autoscale",
                $"{pool.Path}.enableAutoScaling is {Bool(pool.AutoScaling)}: the pool keeps its node count when the workload grows (pods stay Pending, upgrades have no room to surge) or shrinks (idle nodes are paid for).",
                $"{poolCommand} --enable-cluster-autoscaler --min-count <nodes> --max-count <nodes>. This module does not change node pools.",
                $"{pool.Path}.enableAutoScaling");
        }
    }

    private static string Bool(bool value) => value ? "true" : "not true";

    private static string Text(string? value, string serviceDefault) => value is null ? $"not set (the service's default is {serviceDefault})" : $"\"{value}\"";
}
