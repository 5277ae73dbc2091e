using System.Text.Json.Nodes;
using AksSecurity.Engine.Clusters;

namespace AksSecurity.Engine.Hardening;

/// <summary>
/// Turns on Image Cleaner (properties.securityProfile.imageCleaner, ManagedClusterSecurityProfileImageCleaner in the
/// 2026-08-01 spec). The spec gives intervalHours no bounds; the AKS Image Cleaner documentation does: at least 24 hours,
/// at most three months (2160 hours), one week when the CLI is not told, and required from ARM clients.
/// </summary>
public sealed class ImageCleanerChange : IClusterChange
{
    public const int MinimumIntervalHours = 24;
    public const int MaximumIntervalHours = 2160;
    public const int DefaultIntervalHours = 168;

    private readonly int? _intervalHours;

    /// <param name="intervalHours">Hours between runs; null keeps the interval of a cleaner that is already on (one week otherwise).</param>
    public ImageCleanerChange(int? intervalHours)
    {
        if (intervalHours is < MinimumIntervalHours or > MaximumIntervalHours)
        {
            throw new AksSecurityException(AksErrorKind.InvalidArgument,
                $"Image Cleaner interval {intervalHours} hours is outside what AKS accepts: {MinimumIntervalHours} (one day) to {MaximumIntervalHours} (three months).",
                "IntervalHours");
        }

        _intervalHours = intervalHours;
    }

    public string Action => "Enable Image Cleaner";

    public ChangePlan Plan(ManagedClusterDocument current)
    {
        var view = current.View;
        var plan = new ChangePlan();
        plan.Set(current.Root, ManagedClusterView.ImageCleanerEnabledPath, JsonValue.Create(true));
        var interval = _intervalHours ?? view.ImageCleanerIntervalHours ?? DefaultIntervalHours;
        plan.Set(current.Root, ManagedClusterView.ImageCleanerIntervalHoursPath, JsonValue.Create(interval));
        return plan;
    }
}
