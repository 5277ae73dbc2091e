using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Engine.Policy;

/// <summary>The names pod security parameters take: namespaces and Linux capabilities.</summary>
public static class KubernetesNames
{
    /// <summary>
    /// Linux capabilities as Kubernetes spells them (securityContext.capabilities: without the CAP_ prefix), from
    /// include/uapi/linux/capability.h: CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40).
    /// </summary>
    public static IReadOnlyList<string> LinuxCapabilities { get; } = new[]
    {
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
        "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
        "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE",
    };

    /// <summary>A namespace name is an RFC 1123 label.</summary>
    public static bool IsNamespace(string name) => KubernetesNameRules.IsLabel(name);

    /// <summary>The capability in Kubernetes' spelling (upper case, no CAP_ prefix), or null when it is not a Linux capability.</summary>
    public static string? Capability(string name) =>
        LinuxCapabilities.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
}
