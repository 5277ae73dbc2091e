using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Kubernetes;

/// <summary>
/// Which cluster to talk to and how: through ARM's credential actions (by resource id, user or admin credential) or a
/// kubeconfig file and context. Made on the pipeline thread from BCL values; a kubeconfig is read and its context checked
/// here, so a bad path or context fails before anything is sent.
/// </summary>
public sealed class KubernetesTarget
{
    private KubernetesTarget(string displayName)
    {
        DisplayName = displayName;
    }

    public string DisplayName { get; }

    internal ArmConnection? Connection { get; private init; }
    internal ClusterResourceId? Cluster { get; private init; }
    internal bool Admin { get; private init; }

    internal string? KubeConfigPath { get; private init; }
    internal KubeConfigText? KubeConfig { get; private init; }
    internal string? Context { get; private init; }

    /// <summary>True when the kubeconfig's user signs in through Entra ID, so a session needs an Azure credential (<see cref="WithConnection"/>).</summary>
    public bool NeedsAzureCredential => KubeConfig is not null && Context is not null && KubeConfig.AuthenticationOf(Context) == "Entra";

    public static KubernetesTarget FromCluster(ArmConnection connection, ClusterResourceId cluster, bool admin) =>
        new(cluster.Name)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection)),
            Cluster = cluster ?? throw new ArgumentNullException(nameof(cluster)),
            Admin = admin,
        };

    /// <summary>A kubeconfig file (an absolute path) and a context in it (null: its current-context).</summary>
    public static KubernetesTarget FromKubeConfig(string kubeConfigPath, string? context)
    {
        string text;
        try
        {
            text = File.ReadAllText(kubeConfigPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument, $"Cannot read kubeconfig '{kubeConfigPath}': {ex.Message}", kubeConfigPath, ex);
        }

        var kubeConfig = KubeConfigText.Parse(text, kubeConfigPath);
        var resolved = kubeConfig.ResolveContext(context);
        return new KubernetesTarget(resolved)
        {
            KubeConfigPath = kubeConfigPath,
            KubeConfig = kubeConfig,
            Context = resolved,
        };
    }

    /// <summary>The same kubeconfig target with the Azure connection whose credential signs Entra ID users in.</summary>
    public KubernetesTarget WithConnection(ArmConnection connection) =>
        new(DisplayName)
        {
            Connection = connection,
            KubeConfigPath = KubeConfigPath,
            KubeConfig = KubeConfig,
            Context = Context,
            Cluster = Cluster,
            Admin = Admin,
        };

    public override string ToString() => DisplayName;
}
