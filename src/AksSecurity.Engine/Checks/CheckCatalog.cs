using AksSecurity.Engine.Clusters;
using AksSecurity.Engine.Tools.SecretStore;

namespace AksSecurity.Engine.Checks;

/// <summary>
/// Every check of the module with its metadata: the source of Get-AksSecurityCheck and of docs/checks.md.
/// </summary>
/// <remarks>
/// Where the mappings come from (read with the search tool; the ids were copied, never guessed):
/// <list type="bullet">
/// <item>CIS AKS Benchmark 1.8: aquasecurity/kube-bench cfg/aks-1.8/controlplane.yaml and managedservices.yaml
/// (commit 812e6ae9), policies.yaml (commit 0bc354a1). kube-bench numbers Azure RBAC 5.5.2; kubescape's
/// cis-aks-t1.8.0 framework numbers it 5.2.2. The kube-bench numbering is used.</item>
/// <item>PSRule for Azure: Azure/PSRule.Rules.Azure src/PSRule.Rules.Azure/rules/Azure.AKS.Rule.yaml (commit 607eb180)
/// and Azure.AKS.Rule.ps1 (commit fd7291f5); Azure.AKS.NodeAutoUpgrade from its rule page (AZR-000435).</item>
/// <item>Checkov: bridgecrewio/checkov checkov/arm/checks/resource/AKS*.py, AkSSecretStoreRotation.py,
/// AzureDefenderOnKubernetes.py; CKV_AZURE_115 and CKV_AZURE_117 exist for azurerm_kubernetes_cluster (Terraform) only.</item>
/// <item>Prowler: prowler-cloud/prowler prowler/providers/azure/services/aks/* (aks_rbac_enabled is the former name of
/// aks_cluster_rbac_enabled). Every one of them has an equivalent here.</item>
/// <item>kubescape: kubescape/regolibrary frameworks/cis-aks-t1.8.0.json (commit 2447c855); C-0088 is "RBAC enabled". Its node
/// controls follow an older numbering (3.2.6 protect-kernel-defaults): the node checks map to them by meaning, not number.</item>
/// <item>Microsoft cloud security benchmark v1 control ids. PSRule labels some rules differently (AuthorizedIPs NS-1,
/// AuditLogs LT-4, AutoUpgrade and Version PV-7, SecretStoreRotation DP-7); here the v1 control whose text fits is used:
/// NS-2 for cloud service endpoints, LT-3 for security logs, PV-6 for remediating vulnerabilities, IM-8 for secrets.</item>
/// </list>
/// </remarks>
public static class CheckCatalog
{
    private const string AuthorizedRanges = ManagedClusterView.AuthorizedIpRangesPath;
    private const string PrivateCluster = ManagedClusterView.EnablePrivateClusterPath;
    private const string PublicAccess = ManagedClusterView.PublicNetworkAccessPath;
    private const string Pools = ManagedClusterView.AgentPoolProfilesPath + "[*]";
    private const string Addons = ManagedClusterView.AddonProfilesPath;

    public static IReadOnlyList<SecurityCheck> All { get; } = new[]
    {
        // API server access (Checks/ApiAccessChecks.cs).
        new SecurityCheck
        {
            Id = ApiAccessChecks.NoAuthorizedRanges, Title = "API server is reachable from any address", Severity = Severity.High,
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document, Inputs = new[] { AuthorizedRanges, PrivateCluster, PublicAccess },
            Rationale = "A public API server without authorized IP ranges accepts connections from the whole internet, so every credential leak, token theft or API server vulnerability is exploitable from anywhere. Private clusters have no public endpoint and are exempt.",
            FixedBy = "Set-AksApiAccess", Remediation = "Set authorized IP ranges to your egress addresses (Set-AksApiAccess -AuthorizedIpRange ... -CallerIpAddress ...).",
            Cis = new[] { "5.4.1" }, Mcsb = new[] { "NS-2" }, PSRule = new[] { "Azure.AKS.AuthorizedIPs" }, Checkov = new[] { "CKV_AZURE_6" }, Kubescape = new[] { "C-0247" },
        },
        new SecurityCheck
        {
            Id = ApiAccessChecks.OpenToInternet, Title = "Authorized IP ranges allow the whole internet", Severity = Severity.Critical,
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document, Inputs = new[] { AuthorizedRanges, PrivateCluster, PublicAccess },
            Rationale = "A 0.0.0.0/0 range makes the authorized-range setting look configured while it restricts nothing; scanners that only ask whether ranges are set pass it. It is worse than no ranges because it hides the exposure.",
            FixedBy = "Set-AksApiAccess", Remediation = "Remove the /0 range (Set-AksApiAccess -Remove '0.0.0.0/0') and list your egress addresses instead.",
            Cis = new[] { "5.4.1" }, Mcsb = new[] { "NS-2" }, Kubescape = new[] { "C-0247" },
        },
        new SecurityCheck
        {
            Id = ApiAccessChecks.RangeTooWide, Title = "Authorized IP range is wider than /24", Severity = Severity.Medium,
            SeverityNote = "Also reported, Medium, for a range that is not a valid IPv4 CIDR. The prefix limit is -MinimumPrefixLength of Test-AksApiAccess (24 by default).",
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document, Inputs = new[] { AuthorizedRanges, PrivateCluster, PublicAccess },
            Rationale = "A range of tens of thousands of addresses (a cloud region, a whole ISP block) lets many strangers reach the API server. Tight ranges keep the allowed set to networks you control.",
            FixedBy = "Set-AksApiAccess", Remediation = "Replace the wide range with the narrower egress ranges you use (Set-AksApiAccess -Remove <range> -Add <narrower CIDRs>).",
            Cis = new[] { "5.4.1" }, Mcsb = new[] { "NS-2" },
        },
        new SecurityCheck
        {
            Id = ApiAccessChecks.PrivateClusterPublicFqdn, Title = "Private cluster publishes its API server name in public DNS", Severity = Severity.Low,
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document,
            Inputs = new[] { PrivateCluster, ManagedClusterView.EnablePrivateClusterPublicFqdnPath, PublicAccess },
            Rationale = "A public DNS record for a private API server tells anyone the cluster exists and its private address. The address is not reachable from outside, so the risk is reconnaissance, not access.",
            FixedBy = "Set-AksApiAccess", Remediation = "Disable the public FQDN (Set-AksApiAccess -DisablePublicFqdn) and resolve the name through the private DNS zone.",
            Cis = new[] { "5.4.2" }, Mcsb = new[] { "NS-2" }, Kubescape = new[] { "C-0252" },
        },
        new SecurityCheck
        {
            Id = ApiAccessChecks.RunCommandEnabled, Title = "Run command is enabled", Severity = Severity.Medium,
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.DisableRunCommandPath },
            Rationale = "Run command lets anyone with the Azure action managedClusters/runCommand run kubectl inside the cluster through ARM, bypassing authorized IP ranges and private networking. It is a second, easily forgotten way in.",
            FixedBy = "Set-AksApiAccess", Remediation = "Disable run command (Set-AksApiAccess -DisableRunCommand).",
            Mcsb = new[] { "NS-2", "PA-7" },
        },
        new SecurityCheck
        {
            Id = ApiAccessChecks.NoVnetIntegration, Title = "API server VNet integration is off", Severity = Severity.Low,
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.EnableVnetIntegrationPath },
            Rationale = "Without API Server VNet Integration, nodes reach the API server through a tunnel or private endpoint rather than an address in the cluster's own VNet. With it, node-to-API-server traffic stays on the private network and public access can be removed after creation.",
            Remediation = "Enable API Server VNet Integration (az aks update --enable-apiserver-vnet-integration); this module does not set it.",
            Mcsb = new[] { "NS-2" },
        },
        new SecurityCheck
        {
            Id = ApiAccessChecks.PublicEndpoint, Title = "API server has a public endpoint", Severity = Severity.Low,
            Category = CheckCategory.ApiServer, Evidence = CheckEvidence.Document, Inputs = new[] { PrivateCluster, PublicAccess },
            Rationale = "CIS recommends a private endpoint with public access disabled, so that the API server cannot be reached from the internet at all. Authorized IP ranges (AKS-API-001 to 003) narrow a public endpoint; this check says there is one.",
            Remediation = "Use a private cluster (chosen at creation, or with API Server VNet Integration public access can be removed later); meanwhile keep authorized ranges narrow with Set-AksApiAccess.",
            Cis = new[] { "5.4.2" }, Mcsb = new[] { "NS-2" }, Checkov = new[] { "CKV_AZURE_115" }, Prowler = new[] { "aks_clusters_public_access_disabled" }, Kubescape = new[] { "C-0252" },
        },

        // Entra ID and RBAC (Checks/AadRbacChecks.cs).
        new SecurityCheck
        {
            Id = AadRbacChecks.KubernetesRbacOff, Title = "Kubernetes RBAC is off (set at creation only)", Severity = Severity.High,
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.EnableRbacPath },
            Rationale = "Without Kubernetes RBAC every identity the API server authenticates has full rights over the cluster, and no other access control of this module can work. It is chosen at cluster creation and cannot be changed later.",
            Remediation = "Create a new cluster with Kubernetes RBAC on (the default) and move the workloads; Enable-AksAadRbac refuses this cluster.",
            Mcsb = new[] { "PA-7" }, PSRule = new[] { "Azure.AKS.UseRBAC" }, Checkov = new[] { "CKV_AZURE_5" }, Prowler = new[] { "aks_cluster_rbac_enabled" }, Kubescape = new[] { "C-0088" },
        },
        new SecurityCheck
        {
            Id = AadRbacChecks.ManagedEntraIdOff, Title = "AKS-managed Entra ID is off", Severity = Severity.Medium,
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.AadProfilePath },
            Rationale = "Without AKS-managed Entra ID, kubectl access uses certificates the cluster issues, with no sign-in, MFA, Conditional Access or central revocation. The legacy Entra integration relies on app registrations and a secret that someone must maintain.",
            FixedBy = "Enable-AksAadRbac", Remediation = "Turn on AKS-managed Entra ID with an admin group (Enable-AksAadRbac -AdminGroupObjectId ...).",
            Cis = new[] { "5.5.1" }, Mcsb = new[] { "IM-1" }, PSRule = new[] { "Azure.AKS.ManagedAAD" },
        },
        new SecurityCheck
        {
            Id = AadRbacChecks.AzureRbacOff, Title = "Azure RBAC for Kubernetes authorization is off", Severity = Severity.Low,
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.AadEnableAzureRbacPath },
            Rationale = "With Azure RBAC, access inside the cluster is granted by Azure role assignments, managed and audited with the rest of Azure. Without it, every cluster keeps its own role bindings that access reviews do not see.",
            FixedBy = "Enable-AksAadRbac", Remediation = "Turn on Azure RBAC for Kubernetes authorization (Enable-AksAadRbac -EnableAzureRbac).",
            Cis = new[] { "5.5.2" }, Mcsb = new[] { "PA-7" }, PSRule = new[] { "Azure.AKS.AzureRBAC" }, Kubescape = new[] { "C-0241" },
        },
        new SecurityCheck
        {
            Id = AadRbacChecks.LocalAccountsOn, Title = "Local accounts are enabled", Severity = Severity.Medium,
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.DisableLocalAccountsPath },
            Rationale = "Local accounts let anyone with listClusterAdminCredential obtain a static cluster-admin certificate that bypasses Entra ID and is not tied to a person. A leaked admin kubeconfig stays valid until the cluster certificates are rotated.",
            FixedBy = "Enable-AksAadRbac", Remediation = "Disable local accounts (Enable-AksAadRbac -DisableLocalAccount, with an admin group or Azure RBAC so nobody is locked out), then rotate the cluster certificates.",
            Cis = new[] { "5.5.1" }, Mcsb = new[] { "IM-1", "PA-7" }, PSRule = new[] { "Azure.AKS.LocalAccounts" }, Checkov = new[] { "CKV_AZURE_141" }, Prowler = new[] { "aks_cluster_local_accounts_disabled" },
        },
        new SecurityCheck
        {
            Id = AadRbacChecks.NoAdminGroup, Title = "No Entra admin group", Severity = Severity.Medium,
            SeverityNote = "High when local accounts are also disabled: then nobody is cluster admin.",
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document,
            Inputs = new[] { ManagedClusterView.AadManagedPath, ManagedClusterView.AadAdminGroupObjectIdsPath, ManagedClusterView.AadEnableAzureRbacPath, ManagedClusterView.DisableLocalAccountsPath },
            Rationale = "With managed Entra ID but no admin group (and no Azure RBAC), no Entra identity is cluster admin: either only the local admin account is, or, with local accounts disabled, nobody. Break-glass access then depends on a certificate or does not exist.",
            FixedBy = "Enable-AksAadRbac", Remediation = "Name an Entra group as cluster admin (Enable-AksAadRbac -AdminGroupObjectId ...).",
            Cis = new[] { "5.5.1" }, Mcsb = new[] { "PA-1" },
        },

        // Azure Policy (Checks/PolicyChecks.cs).
        new SecurityCheck
        {
            Id = PolicyChecks.AddonOff, Title = "Azure Policy add-on is off", Severity = Severity.High,
            Category = CheckCategory.Policy, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Addons}.{ManagedClusterView.AzurePolicyAddon}.enabled" },
            Rationale = "Without the add-on, no policy assignment is enforced or even audited inside the cluster: privileged pods, host namespaces and the like are admitted unseen. Every pod security control of Azure Policy depends on it.",
            FixedBy = "Set-AksPolicyInitiative", Remediation = "Assign a pod security initiative (Set-AksPolicyInitiative turns the add-on on first).",
            Cis = new[] { "4.3" }, Mcsb = new[] { "PV-2" }, PSRule = new[] { "Azure.AKS.AzurePolicyAddOn" }, Checkov = new[] { "CKV_AZURE_116" },
        },
        new SecurityCheck
        {
            Id = PolicyChecks.NoPodSecurityInitiative, Title = "No pod security initiative is assigned", Severity = Severity.High,
            Category = CheckCategory.Policy, Evidence = CheckEvidence.PolicyAssignments,
            Rationale = "The add-on alone enforces nothing: the Baseline or Restricted pod security initiative must be assigned at the cluster or above. Without it, privileged containers and host namespace sharing are admitted.",
            FixedBy = "Set-AksPolicyInitiative", Remediation = "Assign the Baseline (or Restricted) pod security initiative (Set-AksPolicyInitiative -Initiative Baseline -Effect Audit|Deny).",
            Cis = new[] { "4.2.1", "4.2.2", "4.2.3", "4.2.4" }, Mcsb = new[] { "PV-2" },
        },
        new SecurityCheck
        {
            Id = PolicyChecks.EffectWeakerThanRequired, Title = "Pod security initiative only audits where Deny is required", Severity = Severity.Medium,
            SeverityNote = "Also reported, Medium, when every assignment of the initiative is Disabled. The required effect is -RequiredEffect of Test-AksPolicy (Audit by default).",
            Category = CheckCategory.Policy, Evidence = CheckEvidence.PolicyAssignments,
            Rationale = "An initiative whose effect is Disabled checks nothing, and one that only audits reports bad pods but still runs them. The effect in force is the strongest among the assignments that apply.",
            FixedBy = "Set-AksPolicyInitiative", Remediation = "Raise the assignment's effect (Set-AksPolicyInitiative -Effect Deny, or Audit).",
            Cis = new[] { "4.2.1", "4.2.2", "4.2.3", "4.2.4" }, Mcsb = new[] { "PV-2" },
        },
        new SecurityCheck
        {
            Id = PolicyChecks.RestrictedRequired, Title = "Baseline pod security is assigned where Restricted is required", Severity = Severity.Medium,
            SeverityNote = "Runs only when Restricted is required (-RequiredInitiative Restricted of Test-AksPolicy).",
            Category = CheckCategory.Policy, Evidence = CheckEvidence.PolicyAssignments,
            Rationale = "Baseline stops the known privilege escalations; Restricted also forbids privilege escalation, root users and unconfined seccomp. Where policy requires Restricted, Baseline leaves those open.",
            FixedBy = "Set-AksPolicyInitiative", Remediation = "Assign the Restricted initiative (Set-AksPolicyInitiative -Initiative Restricted).",
            Cis = new[] { "4.2.5" }, Mcsb = new[] { "PV-2" },
        },

        // Key Vault secrets provider (Checks/KeyVaultCsiChecks.cs).
        new SecurityCheck
        {
            Id = KeyVaultCsiChecks.AddonOff, Title = "Key Vault secrets provider add-on is off", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Addons}.{ManagedClusterView.KeyVaultSecretsProviderAddon}.enabled" },
            Rationale = "Without the Secrets Store CSI driver for Key Vault, secrets tend to live in Kubernetes Secrets, manifests or pipeline variables, readable by anyone with access to those. With it, pods mount secrets from Key Vault, where access is audited and rotation is central.",
            FixedBy = "Enable-AksKeyVaultCsi", Remediation = "Turn on the add-on with rotation (Enable-AksKeyVaultCsi -EnableSecretRotation).",
            Cis = new[] { "4.5.2" }, Mcsb = new[] { "IM-8" }, PSRule = new[] { "Azure.AKS.SecretStore" }, Kubescape = new[] { "C-0208" },
        },
        new SecurityCheck
        {
            Id = KeyVaultCsiChecks.RotationOff, Title = "Secret rotation is off", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.Document,
            Inputs = new[] { $"{Addons}.{ManagedClusterView.KeyVaultSecretsProviderAddon}.enabled", $"{Addons}.{ManagedClusterView.KeyVaultSecretsProviderAddon}.config.{ManagedClusterView.SecretRotationConfigKey}" },
            Rationale = "Without rotation, a secret changed in Key Vault (after a leak, say) reaches pods only when they restart, so the old value stays in use. Rotation makes the new value arrive on its own.",
            FixedBy = "Enable-AksKeyVaultCsi", Remediation = "Turn on secret rotation (Enable-AksKeyVaultCsi -EnableSecretRotation).",
            Mcsb = new[] { "IM-8" }, PSRule = new[] { "Azure.AKS.SecretStoreRotation" }, Checkov = new[] { "CKV_AZURE_172" },
        },
        new SecurityCheck
        {
            Id = KeyVaultCsiChecks.IntervalTooLong, Title = "Rotation poll interval is longer than 1h", Severity = Severity.Low,
            SeverityNote = "Also reported, Low, for an interval that is not a valid duration. The limit is -MaximumRotationInterval of Test-AksKeyVaultCsi (1 hour by default).",
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.Document,
            Inputs = new[] { $"{Addons}.{ManagedClusterView.KeyVaultSecretsProviderAddon}.enabled", $"{Addons}.{ManagedClusterView.KeyVaultSecretsProviderAddon}.config.{ManagedClusterView.SecretRotationConfigKey}", $"{Addons}.{ManagedClusterView.KeyVaultSecretsProviderAddon}.config.{ManagedClusterView.RotationPollIntervalConfigKey}" },
            Rationale = "The poll interval bounds how long a rotated or revoked secret stays in use in pods. A long interval turns a prompt rotation into hours of exposure.",
            FixedBy = "Enable-AksKeyVaultCsi", Remediation = "Shorten the interval (Enable-AksKeyVaultCsi -RotationPollInterval 2m).",
            Mcsb = new[] { "IM-8" },
        },

        // Secrets Store CSI driver inside the cluster (Tools/SecretStore/SecretStoreChecks.cs; read through the Kubernetes API).
        new SecurityCheck
        {
            Id = SecretStoreChecks.DriverUnhealthy, Title = "The Secrets Store CSI driver DaemonSet is missing or not ready", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "The driver DaemonSet aks-secrets-store-csi-driver mounts the secrets into pods on each node. Where it is missing or not ready, pods that mount a SecretProviderClass do not start, and teams fall back to plain Kubernetes Secrets.",
            FixedBy = "Enable-AksKeyVaultCsi", Remediation = "Turn the add-on on (Enable-AksKeyVaultCsi) or repair the DaemonSet's pods in kube-system.",
            Mcsb = new[] { "IM-8" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.AzureProviderUnhealthy, Title = "The Azure Key Vault provider DaemonSet is missing or not ready", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "The provider DaemonSet aks-secrets-store-provider-azure fetches the objects from Key Vault for the driver. Where it is missing or not ready, Key Vault mounts fail on those nodes.",
            FixedBy = "Enable-AksKeyVaultCsi", Remediation = "Turn the add-on on (Enable-AksKeyVaultCsi) or repair the DaemonSet's pods in kube-system.",
            Mcsb = new[] { "IM-8" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.UnknownProvider, Title = "A SecretProviderClass names an unknown provider", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "The driver hands a mount to the provider named in spec.provider (azure, vault, gcp or aws). A misspelt or missing name makes every pod that mounts the class fail to start.",
            FixedBy = "New-AksSecretProviderClass", Remediation = "Set spec.provider to an installed provider, or rebuild the class with New-AksSecretProviderClass.",
            Mcsb = new[] { "IM-8" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.PodIdentity, Title = "A SecretProviderClass uses pod-managed identity", Severity = Severity.High,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "Entra pod-managed identity is deprecated and replaced by workload identity. Its node agent intercepts the instance metadata endpoint, so a flaw or a misconfigured binding hands vault access to other pods.",
            FixedBy = "New-AksSecretProviderClass", Remediation = "Federate the workload's service account with a workload identity and rebuild the class with New-AksSecretProviderClass -ClientId.",
            Mcsb = new[] { "IM-3" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.NodeIdentity, Title = "A SecretProviderClass uses the nodes' managed identity", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "With useVMManagedIdentity the vault is read with an identity assigned to the node pool, which every pod on those nodes can use through a class of its own. One compromised workload then reads every vault that identity may read.",
            FixedBy = "New-AksSecretProviderClass", Remediation = "Use a workload identity granted to the workload's service account only (New-AksSecretProviderClass -ClientId).",
            Mcsb = new[] { "IM-3" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.NoWorkloadIdentity, Title = "A SecretProviderClass names no workload identity", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "Without clientID, pod or node identity, the Azure provider signs in with a service principal secret read from a Kubernetes Secret. That secret must be stored, rotated and kept from leaking, which is what Key Vault was meant to avoid.",
            FixedBy = "New-AksSecretProviderClass", Remediation = "Use a workload identity instead of a stored service principal secret (New-AksSecretProviderClass -ClientId).",
            Mcsb = new[] { "IM-3" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.MissingValues, Title = "A SecretProviderClass lacks the values its provider needs", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "An Azure class needs keyvaultName and tenantID, a Vault class vaultAddress and roleName. Without them mounts fail, or the Vault provider falls back to a default address nobody chose.",
            FixedBy = "New-AksSecretProviderClass", Remediation = "Rebuild the class with every value (New-AksSecretProviderClass).",
            Mcsb = new[] { "IM-8" },
        },
        new SecurityCheck
        {
            Id = SecretStoreChecks.VaultNotHttps, Title = "A SecretProviderClass reaches Vault without TLS", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.SecretStoreObjects,
            Rationale = "The Vault provider sends the pod's service account token to Vault and receives the secrets over vaultAddress. Over plain http both cross the network in clear text.",
            FixedBy = "New-AksSecretProviderClass", Remediation = "Serve Vault over https and rebuild the class with New-AksSecretProviderClass -VaultAddress https://...",
            Mcsb = new[] { "DP-3" },
        },

        // Monitoring (Checks/MonitoringChecks.cs).
        new SecurityCheck
        {
            Id = MonitoringChecks.ContainerInsightsOff, Title = "Container Insights is off", Severity = Severity.Medium,
            Category = CheckCategory.Monitoring, Evidence = CheckEvidence.Document, Inputs = new[] { $"{ManagedClusterView.ContainerInsightsPath}.enabled" },
            Rationale = "Without Container Insights, container logs, Kubernetes events and node and pod health are not collected, so an incident leaves little to investigate. It is the basis of most AKS alerting.",
            FixedBy = "Enable-AksMonitoring", Remediation = "Turn on Container Insights to a Log Analytics workspace (Enable-AksMonitoring -WorkspaceResourceId ...).",
            Mcsb = new[] { "LT-3" }, PSRule = new[] { "Azure.AKS.ContainerInsights" }, Checkov = new[] { "CKV_AZURE_4" },
        },
        new SecurityCheck
        {
            Id = MonitoringChecks.NoDiagnosticSetting, Title = "No diagnostic setting sends the cluster's logs anywhere", Severity = Severity.High,
            Category = CheckCategory.Monitoring, Evidence = CheckEvidence.DiagnosticSettings,
            Rationale = "The control plane's logs, its audit log among them, exist only while a diagnostic setting sends them to a workspace, storage account or event hub. Without one, there is no record of who did what to the cluster.",
            FixedBy = "Enable-AksMonitoring", Remediation = "Add a diagnostic setting with kube-audit-admin and guard (Enable-AksMonitoring -WorkspaceResourceId ...).",
            Cis = new[] { "2.1.1" }, Mcsb = new[] { "LT-3" }, PSRule = new[] { "Azure.AKS.AuditLogs" }, Kubescape = new[] { "C-0254" },
        },
        new SecurityCheck
        {
            Id = MonitoringChecks.AuditLogMissing, Title = "The Kubernetes audit log is not collected", Severity = Severity.High,
            Category = CheckCategory.Monitoring, Evidence = CheckEvidence.DiagnosticSettings,
            Rationale = "The Kubernetes audit log records every change made through the API server. Without kube-audit-admin (or kube-audit) in a diagnostic setting, changes to workloads, roles and secrets leave no trace.",
            FixedBy = "Enable-AksMonitoring", Remediation = "Send kube-audit-admin to a workspace (Enable-AksMonitoring).",
            Cis = new[] { "2.1.1" }, Mcsb = new[] { "LT-3" }, PSRule = new[] { "Azure.AKS.AuditLogs" }, Kubescape = new[] { "C-0254" },
        },
        new SecurityCheck
        {
            Id = MonitoringChecks.GuardLogMissing, Title = "The Entra ID and Azure RBAC authorization log (guard) is not collected", Severity = Severity.Medium,
            Category = CheckCategory.Monitoring, Evidence = CheckEvidence.DiagnosticSettings,
            Rationale = "The guard log records who was allowed or denied through Entra ID and Azure RBAC. Without it, sign-ins to the cluster cannot be traced to people.",
            FixedBy = "Enable-AksMonitoring", Remediation = "Send guard to a workspace (Enable-AksMonitoring).",
            Mcsb = new[] { "LT-3" }, PSRule = new[] { "Azure.AKS.AuditLogs" },
        },
        new SecurityCheck
        {
            Id = MonitoringChecks.KubeAuditInsteadOfAdmin, Title = "kube-audit is collected where kube-audit-admin would do", Severity = Severity.Low,
            Category = CheckCategory.Monitoring, Evidence = CheckEvidence.DiagnosticSettings,
            Rationale = "kube-audit records every get and list request as well as changes: usually many times the volume and cost of kube-audit-admin. Teams that pay for it often turn audit logging off altogether.",
            Remediation = "Unless you need read events, replace kube-audit with kube-audit-admin in the diagnostic setting (az monitor diagnostic-settings update).",
            PSRule = new[] { "Azure.AKS.AuditAdmin" },
        },
        new SecurityCheck
        {
            Id = MonitoringChecks.PrometheusMetricsOff, Title = "Managed Prometheus metrics are off", Severity = Severity.Low,
            Category = CheckCategory.Monitoring, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.PrometheusMetricsPath },
            Rationale = "Without managed Prometheus, no cluster metrics reach Azure Monitor, so capacity problems and anomalies (a crypto miner's CPU, say) go unnoticed. It is the metrics half of AKS monitoring.",
            FixedBy = "Enable-AksMonitoring", Remediation = "Turn on managed Prometheus (Enable-AksMonitoring -EnablePrometheusMetrics).",
            Prowler = new[] { "aks_cluster_azure_monitor_enabled" },
        },

        // Defender (Checks/DefenderChecks.cs).
        new SecurityCheck
        {
            Id = DefenderChecks.SensorOff, Title = "The Defender sensor is off", Severity = Severity.Medium,
            Category = CheckCategory.Defender, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.DefenderSensorPath },
            Rationale = "Without the Defender sensor, no runtime signals of the cluster (processes, network, Kubernetes audit) reach Microsoft Defender for Cloud. Attacks in progress, such as a reverse shell or a crypto miner, then raise no alert.",
            FixedBy = "Enable-AksDefender", Remediation = "Turn on the Defender sensor (Enable-AksDefender -WorkspaceResourceId ...).",
            Mcsb = new[] { "LT-1" }, PSRule = new[] { "Azure.AKS.DefenderProfile" }, Prowler = new[] { "aks_cluster_defender_enabled" },
        },
        new SecurityCheck
        {
            Id = DefenderChecks.SensorWithoutPlan, Title = "The Defender sensor runs without the Defender for Containers plan", Severity = Severity.Medium,
            Category = CheckCategory.Defender, Evidence = CheckEvidence.Document | CheckEvidence.DefenderPlan, Inputs = new[] { ManagedClusterView.DefenderSensorPath },
            Rationale = "The sensor collects, but only the subscription's Defender for Containers plan turns what it collects into alerts. A sensor without the plan gives a false sense of protection.",
            Remediation = "Turn on the plan for the subscription (az security pricing create --name Containers --tier Standard); a subscription-wide billing change this module does not make.",
            Mcsb = new[] { "LT-1" }, Checkov = new[] { "CKV_AZURE_85" },
        },
        new SecurityCheck
        {
            Id = DefenderChecks.PlanWithoutSensor, Title = "The subscription pays for Defender for Containers, but this cluster has no sensor", Severity = Severity.Medium,
            Category = CheckCategory.Defender, Evidence = CheckEvidence.Document | CheckEvidence.DefenderPlan, Inputs = new[] { ManagedClusterView.DefenderSensorPath },
            Rationale = "The plan covers (and bills) every cluster of the subscription, but runtime threat detection needs the sensor in each cluster. This cluster is paid for without being watched.",
            FixedBy = "Enable-AksDefender", Remediation = "Turn on the sensor (Enable-AksDefender), or let the plan's ContainerSensor extension deploy it.",
            Mcsb = new[] { "LT-1" },
        },

        // Upgrades (Checks/UpgradeChecks.cs).
        new SecurityCheck
        {
            Id = UpgradeChecks.NoUpgradeChannel, Title = "Kubernetes is not upgraded automatically", Severity = Severity.Medium,
            SeverityNote = "Low when the channel is node-image, which upgrades node images but never Kubernetes.",
            Category = CheckCategory.Upgrades, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.UpgradeChannelPath },
            Rationale = "Without an upgrade channel the control plane and pools stay on their version until someone upgrades them, missing Kubernetes security patches. Left alone long enough, the cluster falls out of support.",
            FixedBy = "Set-AksUpgradePolicy", Remediation = "Choose an upgrade channel (Set-AksUpgradePolicy -UpgradeChannel patch or stable).",
            Mcsb = new[] { "PV-6" }, PSRule = new[] { "Azure.AKS.AutoUpgrade" }, Checkov = new[] { "CKV_AZURE_171" }, Prowler = new[] { "aks_cluster_auto_upgrade_enabled" },
        },
        new SecurityCheck
        {
            Id = UpgradeChecks.NodeOSChannelUnpatched, Title = "Node OS security updates are off", Severity = Severity.High,
            SeverityNote = "Medium when the channel is Unmanaged: Linux nodes install updates but reboot only if something like Kured reboots them.",
            Category = CheckCategory.Upgrades, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.NodeOSUpgradeChannelPath },
            Rationale = "Node OS security updates are released far more often than Kubernetes versions. With the None channel nobody patches the nodes; with Unmanaged, kernel fixes take effect only after a reboot that AKS does not do.",
            FixedBy = "Set-AksUpgradePolicy", Remediation = "Choose a node OS channel (Set-AksUpgradePolicy -NodeOSUpgradeChannel NodeImage or SecurityPatch), or run Kured with Unmanaged.",
            Mcsb = new[] { "PV-6" }, PSRule = new[] { "Azure.AKS.NodeAutoUpgrade" }, Prowler = new[] { "aks_cluster_node_os_upgrade_channel_enabled" },
        },
        new SecurityCheck
        {
            Id = UpgradeChecks.NoMaintenanceWindow, Title = "Automatic upgrades have no planned maintenance window", Severity = Severity.Low,
            Category = CheckCategory.Upgrades, Evidence = CheckEvidence.Document | CheckEvidence.MaintenanceConfigurations,
            Inputs = new[] { ManagedClusterView.UpgradeChannelPath, ManagedClusterView.NodeOSUpgradeChannelPath },
            Rationale = "Without the aksManagedAutoUpgradeSchedule and aksManagedNodeOSUpgradeSchedule maintenance configurations, automatic upgrades can start at any time of day. Teams that get surprised by them tend to turn them off.",
            FixedBy = "Set-AksUpgradePolicy", Remediation = "Set a weekly window (Set-AksUpgradePolicy -MaintenanceDay ... -MaintenanceStartTime ...).",
            PSRule = new[] { "Azure.AKS.MaintenanceWindow" },
        },
        new SecurityCheck
        {
            Id = UpgradeChecks.UnsupportedVersion, Title = "Kubernetes version is out of support", Severity = Severity.High,
            Category = CheckCategory.Upgrades, Evidence = CheckEvidence.Document | CheckEvidence.KubernetesVersions,
            Inputs = new[] { ManagedClusterView.KubernetesVersionPath, ManagedClusterView.CurrentKubernetesVersionPath, ManagedClusterView.SupportPlanPath, $"{Pools}.orchestratorVersion", $"{Pools}.currentOrchestratorVersion" },
            Rationale = "Versions below the oldest one the region supports get no security patches. The floor is read from the service for the cluster's region and support plan, never from a constant that ages.",
            Remediation = "Upgrade to a supported version (az aks upgrade), then Set-AksUpgradePolicy -UpgradeChannel patch to stay current.",
            Mcsb = new[] { "PV-6" }, PSRule = new[] { "Azure.AKS.Version" }, Prowler = new[] { "aks_cluster_uses_a_supported_version" },
        },
        new SecurityCheck
        {
            Id = UpgradeChecks.NodePoolVersionSkew, Title = "Node pool runs a different Kubernetes version than the control plane", Severity = Severity.Medium,
            SeverityNote = "Low when only the patch version differs.",
            Category = CheckCategory.Upgrades, Evidence = CheckEvidence.Document,
            Inputs = new[] { ManagedClusterView.KubernetesVersionPath, ManagedClusterView.CurrentKubernetesVersionPath, $"{Pools}.orchestratorVersion", $"{Pools}.currentOrchestratorVersion" },
            Rationale = "Node pools behind the control plane miss its fixes, and the version skew limits the next upgrade. It usually means an upgrade stopped half way.",
            Remediation = "Upgrade the pool to the control plane's version (az aks nodepool upgrade).",
            Mcsb = new[] { "PV-6" }, PSRule = new[] { "Azure.AKS.PoolVersion" },
        },

        // Other cluster settings (Checks/ClusterConfigurationChecks.cs).
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.WorkloadIdentityOff, Title = "Workload identity is off", Severity = Severity.Medium,
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.WorkloadIdentityEnabledPath, ManagedClusterView.OidcIssuerEnabledPath },
            Rationale = "Without workload identity (and its OIDC issuer), pods that call Azure need stored secrets or the node's identity, which every pod on the node can use. Federated tokens are short-lived and scoped to one service account.",
            FixedBy = "Enable-AksWorkloadIdentity", Remediation = "Turn on the OIDC issuer and workload identity (Enable-AksWorkloadIdentity).",
            Mcsb = new[] { "IM-3" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.ImageCleanerOff, Title = "Image Cleaner is off", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.ImageCleanerEnabledPath },
            Rationale = "Images no pod uses any more, including ones with known vulnerabilities, stay on the nodes and show up in every vulnerability scan. Image Cleaner removes them on a schedule.",
            FixedBy = "Enable-AksImageCleaner", Remediation = "Turn on Image Cleaner (Enable-AksImageCleaner -IntervalHours ...).",
            Mcsb = new[] { "PV-6" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.KmsOff, Title = "Kubernetes secrets are not encrypted with a Key Vault key (KMS)", Severity = Severity.Medium,
            Category = CheckCategory.Secrets, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.KmsEnabledPath },
            Rationale = "Without Key Vault KMS, Kubernetes secrets in etcd are encrypted with platform-managed keys only, so you cannot revoke access to them or see the key's use. Host encryption of node disks is a different setting and does not cover etcd.",
            Remediation = "Create a Key Vault key, grant the cluster identity Key Vault Crypto User on it, then az aks update --enable-azure-keyvault-kms --azure-keyvault-kms-key-id <key id>.",
            Cis = new[] { "5.3.1" }, Mcsb = new[] { "DP-5" }, Prowler = new[] { "aks_cluster_kms_cmk_encryption_enabled" }, Kubescape = new[] { "C-0244" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.NodeResourceGroupUnrestricted, Title = "Node resource group is not locked down", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.NodeResourceGroupRestrictionLevelPath },
            Rationale = "Anyone with rights on the node resource group can change the cluster's VMs, disks and network resources behind AKS's back, breaking the cluster or reaching into nodes. ReadOnly leaves changes to AKS alone.",
            FixedBy = "Set-AksNodeResourceGroupRestriction", Remediation = "Lock the node resource group (Set-AksNodeResourceGroupRestriction -RestrictionLevel ReadOnly).",
            Mcsb = new[] { "PA-7" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.NoNetworkPolicy, Title = "No network policy engine", Severity = Severity.Medium,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.NetworkPolicyPath },
            Rationale = "Without a network policy engine, Kubernetes NetworkPolicy objects are accepted but not enforced, so every pod can reach every other pod. One compromised pod can then probe the whole cluster.",
            Remediation = "Choose a network policy engine (az aks update --network-policy azure, calico or cilium, depending on the network plugin).",
            Cis = new[] { "5.4.4" }, Mcsb = new[] { "NS-1" }, PSRule = new[] { "Azure.AKS.NetworkPolicy" }, Checkov = new[] { "CKV_AZURE_7" }, Prowler = new[] { "aks_network_policy_enabled" }, Kubescape = new[] { "C-0240" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.NodePublicIp, Title = "Nodes have public IP addresses", Severity = Severity.High,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Pools}.enableNodePublicIP" },
            Rationale = "A node with its own public address is reachable from the internet on every port its network security group allows, including the kubelet and SSH. Nodes should sit behind the load balancer only.",
            Remediation = "Set at creation only: add a pool without node public IPs, move the workloads to it and delete the old pool.",
            Cis = new[] { "5.4.3" }, Mcsb = new[] { "NS-1" }, Prowler = new[] { "aks_clusters_created_with_private_nodes" }, Kubescape = new[] { "C-0248" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.SshAccessOpen, Title = "Nodes accept SSH with local keys", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Pools}.securityProfile.sshAccess", $"{Pools}.osType" },
            Rationale = "With LocalUser SSH, anyone holding the cluster's SSH key can log on to every Linux node as an administrator, without Entra ID or an audit trail. Disabled (or Entra ID) SSH closes that door.",
            Remediation = "Set the pool's SSH access to disabled or entraid (az aks nodepool update --ssh-access; reimages the nodes).",
            Mcsb = new[] { "PV-3" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.FipsOff, Title = "Pool does not use a FIPS-enabled OS image", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Pools}.enableFIPS" },
            Rationale = "Regulated workloads (FedRAMP, some government and finance rules) must use FIPS 140 validated cryptography. Elsewhere this is a hardening choice, hence Low.",
            Remediation = "Use a FIPS-enabled image (az aks nodepool add --enable-fips-image, or update a Linux pool; reimages the nodes).",
            Mcsb = new[] { "PV-3" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.TrustedLaunchOff, Title = "Pool does not use trusted launch", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document,
            Inputs = new[] { $"{Pools}.securityProfile.enableSecureBoot", $"{Pools}.securityProfile.enableVTPM", $"{Pools}.osType" },
            Rationale = "Secure boot and a virtual TPM verify and measure the boot chain of each node. Without them, rootkits and bootkits can persist on a node unnoticed.",
            Remediation = "Turn on secure boot and vTPM for Linux pools on Gen2 VM sizes (az aks nodepool add/update --enable-secure-boot --enable-vtpm; reimages the nodes).",
            Mcsb = new[] { "PV-3" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.KubeDashboardOn, Title = "Kubernetes dashboard add-on is on", Severity = Severity.High,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Addons}.{ManagedClusterView.KubeDashboardAddon}.enabled" },
            Rationale = "The Kubernetes dashboard has a long history of exposed, over-privileged installations used to take over clusters. The AKS add-on is deprecated and gets no fixes.",
            FixedBy = "Disable-AksLegacyAddon", Remediation = "Turn the add-on off (Disable-AksLegacyAddon -Addon kubeDashboard).",
            Mcsb = new[] { "NS-8" }, Checkov = new[] { "CKV_AZURE_8" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.HttpApplicationRoutingOn, Title = "HTTP application routing add-on is on", Severity = Severity.Medium,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Addons}.{ManagedClusterView.HttpApplicationRoutingAddon}.enabled" },
            Rationale = "The add-on is meant for development only: it publishes applications in a public DNS zone without TLS. It is retired, so it gets no fixes either.",
            FixedBy = "Disable-AksLegacyAddon", Remediation = "Move ingresses to the application routing add-on, then Disable-AksLegacyAddon -Addon httpApplicationRouting.",
            Mcsb = new[] { "NS-8" }, PSRule = new[] { "Azure.AKS.HttpAppRouting" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.ServicePrincipalIdentity, Title = "The cluster uses a service principal, not a managed identity", Severity = Severity.Medium,
            Category = CheckCategory.Identity, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.IdentityTypePath, ManagedClusterView.ServicePrincipalClientIdPath },
            Rationale = "A service principal's client secret must be stored, rotated before it expires and kept from leaking; an expired one breaks the cluster's load balancers and disks. A managed identity has no secret to handle.",
            Remediation = "Switch to a managed identity (az aks update --enable-managed-identity, then upgrade each pool's node image).",
            Mcsb = new[] { "IM-3" }, PSRule = new[] { "Azure.AKS.ManagedIdentity" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.HostEncryptionOff, Title = "Pool does not encrypt at host", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Pools}.enableEncryptionAtHost" },
            Rationale = "Without host encryption, the nodes' temporary disks and disk caches are not encrypted at rest, and data between the VM host and Azure Storage flows unencrypted. Secrets and images cached on nodes land there.",
            Remediation = "Use pools with --enable-encryption-at-host (needs the Microsoft.Compute EncryptionAtHost feature on the subscription).",
            Mcsb = new[] { "DP-4" }, Checkov = new[] { "CKV_AZURE_227" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.FreeTier, Title = "The control plane has no uptime SLA (Free tier)", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.SkuTierPath },
            Rationale = "On the Free tier the API server has no financially backed uptime SLA, and Microsoft recommends it for experiments and small clusters only. Production clusters belong on Standard or Premium.",
            Remediation = "Move to the Standard tier (az aks update --tier standard); a billing change this module does not make.",
            PSRule = new[] { "Azure.AKS.UptimeSLA" }, Checkov = new[] { "CKV_AZURE_170" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.BasicLoadBalancer, Title = "The cluster uses the retired Basic load balancer", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { ManagedClusterView.LoadBalancerSkuPath },
            Rationale = "Azure retired the Basic load balancer on 30 September 2025: it has no SLA and gets no fixes. The Standard load balancer is the default and what AKS features assume.",
            Remediation = "Migrate to the Standard load balancer (see https://learn.microsoft.com/azure/aks/upgrade-basic-load-balancer-on-aks).",
            PSRule = new[] { "Azure.AKS.StandardLB" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.AvailabilitySetPool, Title = "Pool runs on an availability set", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document, Inputs = new[] { $"{Pools}.type" },
            Rationale = "Availability-set pools cannot autoscale or span availability zones, and a cluster with one cannot have other node pools. Virtual machine scale sets are the default and what every current AKS feature needs.",
            Remediation = "Set at creation only: move the workloads to a cluster whose pools use virtual machine scale sets.",
            PSRule = new[] { "Azure.AKS.PoolScaleSet" }, Checkov = new[] { "CKV_AZURE_169" },
        },
        new SecurityCheck
        {
            Id = ClusterConfigurationChecks.NoAutoScaling, Title = "Pool does not autoscale", Severity = Severity.Low,
            Category = CheckCategory.Configuration, Evidence = CheckEvidence.Document,
            Inputs = new[] { $"{Pools}.enableAutoScaling", $"{Pools}.type", ManagedClusterView.NodeProvisioningModePath },
            Rationale = "A pool with a fixed node count leaves pods Pending (and upgrades without room to surge) when the workload grows, and pays for idle nodes when it shrinks. Clusters with node auto provisioning are exempt.",
            Remediation = "Turn on the cluster autoscaler for the pool (az aks nodepool update --enable-cluster-autoscaler --min-count ... --max-count ...).",
            PSRule = new[] { "Azure.AKS.AutoScaling" },
        },

        // Worker nodes, checked by kube-bench on each node (Checks/NodeChecks.cs; Test-AksSecurity -IncludeNode).
        new SecurityCheck
        {
            Id = NodeChecks.KubeconfigPermissions, Title = "The kubelet's kubeconfig permissions are wider than 644", Severity = Severity.Medium,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "The kubelet's kubeconfig names the API server and the credentials the kubelet uses. Group or world write access lets a local user or container point the kubelet at another server or swap its identity.",
            Remediation = "AKS creates this file: find and remove the privileged workload or extension that changed it, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.1.1" }, Mcsb = new[] { "PV-3" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.KubeconfigOwnership, Title = "The kubelet's kubeconfig is not owned by root:root", Severity = Severity.Medium,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "The owner of the kubelet's kubeconfig can change its permissions and content. Anyone but root owning it can redirect or impersonate the kubelet.",
            Remediation = "AKS creates this file: find and remove the privileged workload or extension that changed it, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.1.2" }, Mcsb = new[] { "PV-3" }, Kubescape = new[] { "C-0167" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.AzureJsonPermissions, Title = "azure.json permissions are wider than 644", Severity = Severity.High,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "azure.json holds the cloud provider's configuration and, on clusters with a service principal, its secret. Group or world write access lets a local user change which identity and resources the node's Azure integration uses.",
            Remediation = "AKS creates this file: find and remove the privileged workload or extension that changed it, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.1.3" }, Mcsb = new[] { "PV-3", "IM-8" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.AzureJsonOwnership, Title = "azure.json is not owned by root:root", Severity = Severity.Medium,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "The owner of azure.json can change its permissions and read or rewrite the node's Azure credentials configuration. Only root should own it.",
            Remediation = "AKS creates this file: find and remove the privileged workload or extension that changed it, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.1.4" }, Mcsb = new[] { "PV-3", "IM-8" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.AnonymousAuth, Title = "The kubelet accepts anonymous requests", Severity = Severity.High,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "With anonymous authentication on, anyone who reaches the kubelet's port (10250) is let in as system:anonymous. Combined with a permissive authorization mode, that is command execution in every pod on the node.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.1" }, Mcsb = new[] { "PV-3" }, Kubescape = new[] { "C-0172" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.AuthorizationMode, Title = "The kubelet authorizes every request (AlwaysAllow)", Severity = Severity.High,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "AlwaysAllow lets any caller the kubelet authenticates read logs, exec into pods and read secrets mounted on the node. Webhook authorization asks the API server, so RBAC applies.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.2" }, Mcsb = new[] { "PV-3" }, Kubescape = new[] { "C-0173" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.ClientCaFile, Title = "The kubelet does not verify client certificates", Severity = Severity.High,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "Without a client CA file the kubelet cannot verify client certificates, the API server's included, and falls back to tokens or anonymous access. Certificate authentication is how the API server proves itself when it calls the kubelet for logs and exec.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.3" }, Mcsb = new[] { "PV-3", "DP-3" }, Kubescape = new[] { "C-0174" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.ReadOnlyPort, Title = "The kubelet's read-only port is open", Severity = Severity.Medium,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "The read-only port (10255) serves pod specs, node metrics and configuration without any authentication. Anything in the cluster network learns what runs where and how.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.4" }, Mcsb = new[] { "PV-3" }, Kubescape = new[] { "C-0175" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.StreamingIdleTimeout, Title = "Idle exec and port-forward streams never time out", Severity = Severity.Low,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "A timeout of 0 keeps idle exec, attach and port-forward connections open forever. Forgotten sessions then stay usable and exhaust the kubelet's connections.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.5" }, Mcsb = new[] { "PV-3" }, Kubescape = new[] { "C-0176" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.IptablesUtilChains, Title = "The kubelet does not manage its iptables chains", Severity = Severity.Low,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "When the kubelet manages its iptables utility chains, the node's network rules stay consistent with the pods that run on it. Left to hand-made rules, they drift and open or break paths.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.6" }, Mcsb = new[] { "PV-3" }, Kubescape = new[] { "C-0178" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.EventRecordQps, Title = "The kubelet may drop events (eventRecordQPS is not 0)", Severity = Severity.Low,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "A low eventRecordQPS drops events when many happen at once, which is when an investigation needs them. The benchmark expects 0 (no limit) or a deliberately chosen level.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.7" }, Mcsb = new[] { "LT-3" }, Kubescape = new[] { "C-0180" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.RotateCertificates, Title = "The kubelet does not rotate its client certificate", Severity = Severity.Medium,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "Without rotation the kubelet's client certificate is used until it expires, and then the node stops working. Rotation keeps credentials short-lived without outages.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.8" }, Mcsb = new[] { "PV-3", "DP-3" }, Kubescape = new[] { "C-0182" },
        },
        new SecurityCheck
        {
            Id = NodeChecks.RotateServerCertificate, Title = "The kubelet does not rotate its serving certificate", Severity = Severity.Medium,
            Category = CheckCategory.Node, Evidence = CheckEvidence.NodeBenchmark,
            Rationale = "The RotateKubeletServerCertificate feature has the kubelet request and renew its serving certificate from the API server. Without it, the serving certificate is long-lived and self-signed, so callers cannot verify the kubelet.",
            Remediation = "AKS sets the kubelet's configuration and offers no setting for this flag, so a failure means something on the node changed it: find and remove the privileged workload or extension that did, then reimage the node (az aks nodepool upgrade --node-image-only).",
            Cis = new[] { "3.2.9" }, Mcsb = new[] { "PV-3", "DP-3" }, Kubescape = new[] { "C-0183" },
        },
    };

    /// <summary>Rules of PSRule for Azure, Checkov and kubescape about AKS clusters that this catalogue does not implement, and why.</summary>
    public static IReadOnlyList<ExternalRule> NotCovered { get; } = new[]
    {
        Rule("PSRule", "Azure.AKS.AvailabilityZone", "Node pools should use availability zones in supported regions",
            "Whether a region has zones comes from provider metadata PSRule ships with; a cluster document does not say, so the verdict would be a guess."),
        Rule("PSRule", "Azure.AKS.CNISubnetSize", "Azure CNI clusters should use large subnets",
            "Reads the subnets of the cluster's virtual network, which are not part of the cluster or its extension resources."),
        Rule("PSRule", "Azure.AKS.MinNodeCount", "At least three system nodes", "Capacity sizing, not a security setting."),
        Rule("PSRule", "Azure.AKS.MinUserPoolNodes", "At least three nodes per user pool", "Capacity sizing, not a security setting."),
        Rule("PSRule", "Azure.AKS.NodeMinPods", "A minimum of maximum pods per node", "Capacity sizing, not a security setting."),
        Rule("PSRule", "Azure.AKS.EphemeralOSDisk", "Use ephemeral OS disks", "A performance choice that depends on the VM size's cache; not a security setting."),
        Rule("PSRule", "Azure.AKS.PlatformLogs", "Collect platform logs (kube-apiserver, scheduler, ...)",
            "Operational logs; the security logs (kube-audit-admin, guard) are AKS-MON-002 to 004."),
        Rule("PSRule", "Azure.AKS.Name", "Cluster name meets naming requirements", "ARM refuses invalid names; naming conventions are an organisation's choice."),
        Rule("PSRule", "Azure.AKS.DNSPrefix", "DNS prefix meets naming requirements", "ARM refuses invalid prefixes."),
        Rule("PSRule", "Azure.AKS.Naming", "Cluster name follows a naming convention", "Naming conventions are an organisation's choice."),
        Rule("PSRule", "Azure.AKS.SystemPoolNaming", "System pool name follows a naming convention", "Naming conventions are an organisation's choice."),
        Rule("PSRule", "Azure.AKS.UserPoolNaming", "User pool name follows a naming convention", "Naming conventions are an organisation's choice."),
        Rule("Checkov", "CKV_AZURE_168", "Nodes allow at least 50 pods", "Capacity sizing, not a security setting."),
        Rule("Checkov", "CKV_AZURE_226", "Ephemeral OS disks", "A performance choice that depends on the VM size's cache; not a security setting."),
        Rule("Checkov", "CKV_AZURE_117", "Disk encryption set (customer-managed keys for node disks)",
            "Terraform only in Checkov; customer-managed disk keys are an organisation's requirement rather than a weakness when absent (disks are encrypted with platform keys). KMS for secrets is AKS-CFG-003."),
        Rule("Checkov", "CKV_AZURE_232", "Only critical system pods on system nodes",
            "Terraform only in Checkov; a scheduling choice (the CriticalAddonsOnly taint) rather than an exposure."),
        Rule("kubescape", "C-0243", "Image vulnerability scanning with Defender (CIS 5.1.1)",
            "About the container registry's scanning, not the cluster; the Defender plan and sensor are AKS-DEF-001 to 003."),
        Rule("kubescape", "C-0245", "Encrypt traffic to HTTPS load balancers with TLS (CIS 5.4.5)", "Ingress TLS is configured inside the cluster, not in the cluster resource."),
    };

    private static readonly Dictionary<string, SecurityCheck> ById = All.ToDictionary(c => c.Id, StringComparer.OrdinalIgnoreCase);

    /// <summary>The check with this id (any case), or null.</summary>
    public static SecurityCheck? Find(string checkId) => ById.GetValueOrDefault(checkId);

    /// <summary>The check with this id; throws when the catalogue has none (a check class emitted an id not catalogued).</summary>
    public static SecurityCheck Get(string checkId) =>
        Find(checkId) ?? throw new AksSecurityException(AksErrorKind.InvalidArgument, $"No check has the id '{checkId}'.", checkId);

    private static ExternalRule Rule(string tool, string id, string title, string reason) => new() { Tool = tool, RuleId = id, Title = title, Reason = reason };
}
