namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>
/// Checks of the Secrets Store CSI driver inside a cluster: the AKS add-on's DaemonSets are rolled out, and every
/// SecretProviderClass names a known provider, reaches its vault with a workload identity and carries the values its
/// provider needs. Parameter names are those of provider-azure v1.8.2 (pkg/provider/types/types.go) and
/// vault-csi-provider v1.4.0 (internal/config/config.go), as ../shared/fixtures/secrets-store-csi/README.md lists them.
/// </summary>
public static class SecretStoreChecks
{
    public const string DriverUnhealthy = "AKS-SSC-001";
    public const string AzureProviderUnhealthy = "AKS-SSC-002";
    public const string UnknownProvider = "AKS-SSC-003";
    public const string PodIdentity = "AKS-SSC-004";
    public const string NodeIdentity = "AKS-SSC-005";
    public const string NoWorkloadIdentity = "AKS-SSC-006";
    public const string MissingValues = "AKS-SSC-007";
    public const string VaultNotHttps = "AKS-SSC-008";

    public const string AddonNamespace = "kube-system";
    public const string DriverDaemonSet = "aks-secrets-store-csi-driver";
    public const string AzureProviderDaemonSet = "aks-secrets-store-provider-azure";

    /// <summary>The providers the driver has; only azure and vault classes are checked further.</summary>
    public static IReadOnlyList<string> KnownProviders { get; } = new[] { "azure", "vault", "gcp", "aws" };

    private const string Enable = "Enable-AksKeyVaultCsi";

    public static ClusterTestResult Evaluate(string clusterId, string clusterName, string source, SecretStoreEvidence evidence)
    {
        var findings = new List<Finding>();
        var ran = new List<string>();

        void Fail(string checkId, Severity severity, string title, string text, string remediation, string? path) =>
            findings.Add(new Finding(checkId, severity, title, text, remediation) { JsonPath = path, ClusterId = clusterId, ClusterName = clusterName });

        foreach (var (checkId, name, role) in new[] { (DriverUnhealthy, DriverDaemonSet, "driver"), (AzureProviderUnhealthy, AzureProviderDaemonSet, "Azure Key Vault provider") })
        {
            ran.Add(checkId);
            var daemonSet = evidence.DaemonSets.FirstOrDefault(d => d.Name == name)
                            ?? new DaemonSetHealth(AddonNamespace, name, false, 0, 0);
            if (!daemonSet.Found)
            {
                Fail(checkId, Severity.Medium, $"The Secrets Store CSI {role} DaemonSet is missing",
                    $"DaemonSet {AddonNamespace}/{name} does not exist: the azureKeyvaultSecretsProvider add-on is off or was removed, so pods that mount a SecretProviderClass do not start.",
                    $"{Enable} (turns the add-on on), then run Test-AksSecretStore again.", null);
            }
            else if (!daemonSet.Healthy)
            {
                Fail(checkId, Severity.Medium, $"The Secrets Store CSI {role} DaemonSet is not ready on every node",
                    $"DaemonSet {AddonNamespace}/{name} status.desiredNumberScheduled is {daemonSet.Desired}, status.numberReady is {daemonSet.Ready}: pods on the other nodes cannot mount their secrets.",
                    $"Look at the pods (kubectl get pods -n {AddonNamespace} -l app={(checkId == DriverUnhealthy ? "secrets-store-csi-driver" : "secrets-store-provider-azure")}) and their events.",
                    "status.numberReady");
            }
        }

        ran.Add(UnknownProvider);
        foreach (var spc in evidence.Classes)
        {
            var provider = spc.Provider ?? "";
            if (!KnownProviders.Contains(provider, StringComparer.Ordinal))
            {
                Fail(UnknownProvider, Severity.Medium, "A SecretProviderClass names an unknown provider",
                    $"SecretProviderClass {spc.Display} spec.provider is {Shown(spc.Provider)}; the driver knows {string.Join(", ", KnownProviders)} (case matters), so its mounts fail.",
                    $"Set spec.provider to the provider installed (New-AksSecretProviderClass -Provider Azure|Vault writes a valid class).", "spec.provider");
            }
        }

        var azure = evidence.Classes.Where(c => c.Provider == "azure").ToList();
        var vault = evidence.Classes.Where(c => c.Provider == "vault").ToList();
        ran.AddRange(new[] { PodIdentity, NodeIdentity, NoWorkloadIdentity, MissingValues, VaultNotHttps });
        foreach (var spc in azure)
        {
            var fix = $"New-AksSecretProviderClass -ClassName {spc.Name} -Namespace {spc.Namespace} -Provider Azure -ClientId <workload identity client id> ...";
            if (IsTrue(spc, "usePodIdentity"))
            {
                Fail(PodIdentity, Severity.High, "A SecretProviderClass uses pod-managed identity",
                    $"SecretProviderClass {spc.Display} spec.parameters.usePodIdentity is \"{spc.Parameters["usePodIdentity"]}\": Entra pod-managed identity is deprecated, and its NMI intercepts the node's metadata endpoint for every pod.",
                    $"Federate the pods' service account with a workload identity and use its client id ({fix}).", "spec.parameters.usePodIdentity");
            }
            else if (IsTrue(spc, "useVMManagedIdentity"))
            {
                Fail(NodeIdentity, Severity.Medium, "A SecretProviderClass uses the nodes' managed identity",
                    $"SecretProviderClass {spc.Display} spec.parameters.useVMManagedIdentity is \"{spc.Parameters["useVMManagedIdentity"]}\"{(spc.Parameters.TryGetValue("userAssignedIdentityID", out var id) ? $" (userAssignedIdentityID {id})" : "")}: any pod on those nodes with a class naming this identity reads the vault.",
                    $"Use a workload identity granted to this workload's service account only ({fix}).", "spec.parameters.useVMManagedIdentity");
            }
            else if (string.IsNullOrEmpty(spc.Parameters.GetValueOrDefault("clientID")))
            {
                Fail(NoWorkloadIdentity, Severity.Medium, "A SecretProviderClass names no workload identity",
                    $"SecretProviderClass {spc.Display} has no spec.parameters.clientID and neither pod nor node identity: the provider then signs in with a service principal secret kept in a Kubernetes Secret (nodePublishSecretRef).",
                    $"Use a workload identity instead of a stored secret ({fix}).", "spec.parameters.clientID");
            }

            var tenant = spc.Parameters.GetValueOrDefault("tenantID") ?? spc.Parameters.GetValueOrDefault("tenantId");
            Missing(spc, ("keyvaultName", spc.Parameters.GetValueOrDefault("keyvaultName")), ("tenantID", tenant));
        }

        foreach (var spc in vault)
        {
            var address = spc.Parameters.GetValueOrDefault("vaultAddress");
            Missing(spc, ("vaultAddress", address), ("roleName", spc.Parameters.GetValueOrDefault("roleName")));
            if (!string.IsNullOrEmpty(address) && !address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                Fail(VaultNotHttps, Severity.Medium, "A SecretProviderClass reaches Vault without TLS",
                    $"SecretProviderClass {spc.Display} spec.parameters.vaultAddress is \"{address}\": the pod's service account token and the secrets cross the network in clear text.",
                    $"Serve Vault over https and set the class's vaultAddress to it (New-AksSecretProviderClass -Provider Vault -VaultAddress https://...).", "spec.parameters.vaultAddress");
            }
        }

        // By check, then in the order the objects were read: the same cluster always reads the same way.
        return new ClusterTestResult(clusterId, clusterName, source, findings.OrderBy(f => f.CheckId, StringComparer.Ordinal).ToList(), ran);

        void Missing(SecretProviderClassInfo spc, params (string Key, string? Value)[] required)
        {
            var absent = required.Where(r => string.IsNullOrWhiteSpace(r.Value)).Select(r => r.Key).ToList();
            if (absent.Count > 0)
            {
                Fail(MissingValues, Severity.Medium, "A SecretProviderClass lacks the values its provider needs",
                    $"SecretProviderClass {spc.Display} ({spc.Provider}) has no spec.parameters.{string.Join(" or spec.parameters.", absent)}: its mounts fail or reach a vault nobody chose.",
                    $"Recreate the class with every value (New-AksSecretProviderClass -Provider {(spc.Provider == "azure" ? "Azure -KeyVaultName ... -TenantId ..." : "Vault -VaultAddress ... -RoleName ...")}).",
                    $"spec.parameters.{absent[0]}");
            }
        }
    }

    /// <summary>Go's strconv.ParseBool true values, which the providers use to read these parameters.</summary>
    private static bool IsTrue(SecretProviderClassInfo spc, string key) =>
        spc.Parameters.TryGetValue(key, out var value) && value is "1" or "t" or "T" or "true" or "TRUE" or "True";

    private static string Shown(string? value) => value is null ? "absent" : $"\"{value}\"";
}
