namespace AksSecurity;

/// <summary>The area of a cluster a check is about.</summary>
public enum CheckCategory
{
    ApiServer,
    Identity,
    Policy,
    Secrets,
    Monitoring,
    Defender,
    Upgrades,
    Configuration,

    /// <summary>The worker nodes themselves: kubelet settings and files, checked by kube-bench on each node.</summary>
    Node,
}

/// <summary>
/// What a check reads: the cluster document, and the resources beside the cluster it also needs. Those are read
/// online, or offline from an evidence file; without them the check is not run.
/// </summary>
[Flags]
public enum CheckEvidence
{
    /// <summary>The managed cluster document (ARM GET, az aks show, an ARM template resource).</summary>
    Document = 1,

    /// <summary>Policy assignments that apply to the cluster (its scope and every ancestor).</summary>
    PolicyAssignments = 2,

    /// <summary>The cluster's diagnostic settings.</summary>
    DiagnosticSettings = 4,

    /// <summary>The cluster's maintenance configurations.</summary>
    MaintenanceConfigurations = 8,

    /// <summary>The subscription's Defender for Containers plan.</summary>
    DefenderPlan = 16,

    /// <summary>The Kubernetes versions the cluster's region supports.</summary>
    KubernetesVersions = 32,

    /// <summary>kube-bench's results from every Linux node (Test-AksSecurity -IncludeNode runs it); never read offline.</summary>
    NodeBenchmark = 64,
    /// <summary>The Secrets Store CSI driver's DaemonSets and every SecretProviderClass, read through the cluster's Kubernetes API.</summary>
    SecretStoreObjects = 128,
}

/// <summary>One check of the catalogue: what it looks at, why it matters, what fixes it and where other benchmarks and tools have it.</summary>
public sealed class SecurityCheck
{
    public required string Id { get; init; }
    public required string Title { get; init; }

    /// <summary>The severity of a failure; where a check reports a lower one in some cases, <see cref="SeverityNote"/> says when.</summary>
    public required Severity Severity { get; init; }

    /// <summary>When the severity of a finding differs from <see cref="Severity"/>; empty when it never does.</summary>
    public string SeverityNote { get; init; } = "";

    public required CheckCategory Category { get; init; }

    /// <summary>The document and the resources beside the cluster the check reads.</summary>
    public required CheckEvidence Evidence { get; init; }

    /// <summary>JSON paths of the cluster document the verdict depends on ("[*]" for every node pool).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = Array.Empty<string>();

    /// <summary>Why it matters: what an attacker or an outage gains from a failure.</summary>
    public required string Rationale { get; init; }

    /// <summary>The cmdlet of this module that fixes it; empty when the fix is outside this module.</summary>
    public string FixedBy { get; init; } = "";

    /// <summary>How it is fixed, in a sentence.</summary>
    public required string Remediation { get; init; }

    /// <summary>CIS Azure Kubernetes Service Benchmark 1.8 recommendations; empty where none applies.</summary>
    public IReadOnlyList<string> Cis { get; init; } = Array.Empty<string>();

    /// <summary>Microsoft cloud security benchmark (v1) controls.</summary>
    public IReadOnlyList<string> Mcsb { get; init; } = Array.Empty<string>();

    /// <summary>The equivalent rules of PSRule for Azure (Azure.AKS.*).</summary>
    public IReadOnlyList<string> PSRule { get; init; } = Array.Empty<string>();

    /// <summary>The equivalent Checkov checks (CKV_AZURE_*).</summary>
    public IReadOnlyList<string> Checkov { get; init; } = Array.Empty<string>();

    /// <summary>The equivalent Prowler checks (aks_*).</summary>
    public IReadOnlyList<string> Prowler { get; init; } = Array.Empty<string>();

    /// <summary>The equivalent kubescape controls (C-*).</summary>
    public IReadOnlyList<string> Kubescape { get; init; } = Array.Empty<string>();

    /// <summary>The check's section of the generated catalogue page, relative to the repository root.</summary>
    public string DocumentationUrl => Documentation.UrlOf(Id);

    public override string ToString() => Id;
}

/// <summary>A rule of another tool that the catalogue does not implement, and why.</summary>
public sealed class ExternalRule
{
    public required string Tool { get; init; }
    public required string RuleId { get; init; }
    public required string Title { get; init; }
    public required string Reason { get; init; }

    public override string ToString() => $"{Tool} {RuleId}";
}

/// <summary>Where the generated catalogue page documents each check.</summary>
public static class Documentation
{
    public const string CatalogPage = "docs/checks.md";

    /// <summary>"docs/checks.md#aks-api-001": the page's heading of the check is its id.</summary>
    public static string UrlOf(string checkId) => $"{CatalogPage}#{checkId.ToLowerInvariant()}";
}
