namespace AksSecurity.Engine.Tools.SecretStore;

/// <summary>A DaemonSet's rollout as its status reports it; <see cref="Found"/> is false when it does not exist.</summary>
public sealed record DaemonSetHealth(string Namespace, string Name, bool Found, int Desired, int Ready)
{
    public bool Healthy => Found && Ready == Desired;
}

/// <summary>The parts of one SecretProviderClass the checks read.</summary>
public sealed record SecretProviderClassInfo(string Namespace, string Name, string? Provider, IReadOnlyDictionary<string, string> Parameters)
{
    public string Display => $"{Namespace}/{Name}";
}

/// <summary>What Test-AksSecretStore read from the cluster: the add-on's DaemonSets and every SecretProviderClass.</summary>
public sealed class SecretStoreEvidence
{
    public required IReadOnlyList<DaemonSetHealth> DaemonSets { get; init; }

    public required IReadOnlyList<SecretProviderClassInfo> Classes { get; init; }
}
