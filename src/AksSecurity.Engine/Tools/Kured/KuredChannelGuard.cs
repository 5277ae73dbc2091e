using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Tools.Kured;

/// <summary>
/// Kured reboots nodes that need it; under the NodeImage and SecurityPatch node OS upgrade channels AKS patches and
/// reboots (or reimages) the nodes itself, so Kured there is redundant and its reboots compete with AKS's maintenance.
/// </summary>
public static class KuredChannelGuard
{
    /// <summary>
    /// Refuses (NotSupported) on a channel where AKS reboots the nodes itself, unless <paramref name="force"/>, which
    /// turns the refusal into a warning. <paramref name="channel"/> is null when the cluster was not reached through
    /// ARM (a kubeconfig): the channel cannot be known, which is noted in the verbose stream.
    /// </summary>
    public static void Check(string clusterName, string? channel, bool force, IOperationSink sink)
    {
        if (channel is null)
        {
            sink.Verbose($"Cluster '{clusterName}' was reached through a kubeconfig, so its node OS upgrade channel is unknown. If it is an AKS cluster on NodeImage or SecurityPatch, AKS reboots its nodes itself and Kured is redundant there.");
            return;
        }

        if (channel.Equals("NodeImage", StringComparison.OrdinalIgnoreCase) || channel.Equals("SecurityPatch", StringComparison.OrdinalIgnoreCase))
        {
            var reason = $"Cluster '{clusterName}' uses the node OS upgrade channel {channel}: AKS applies OS updates and reboots its nodes itself, so Kured is redundant there and its reboots would compete with AKS's node maintenance.";
            if (!force)
            {
                throw new AksSecurityException(AksErrorKind.NotSupported,
                    $"{reason} To let Kured handle reboots, set the channel to Unmanaged first (Set-AksUpgradePolicy -NodeOSUpgradeChannel Unmanaged); to install Kured anyway, add -Force.",
                    clusterName);
            }

            sink.Warning($"{reason} Installing anyway because of -Force.");
            return;
        }

        sink.Verbose($"Cluster '{clusterName}' uses the node OS upgrade channel {channel}: AKS does not reboot nodes for OS updates, so Kured is the one to do it.");
    }
}
