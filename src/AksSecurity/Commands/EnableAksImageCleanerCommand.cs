using System.Management.Automation;
using AksSecurity.Engine.Hardening;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>Turns on Image Cleaner, which removes unused (and vulnerable) images from the nodes of clusters on a schedule.</summary>
[Cmdlet(VerbsLifecycle.Enable, "AksImageCleaner", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(AksCluster))]
public sealed class EnableAksImageCleanerCommand : ChangeClusterCmdlet
{
    /// <summary>Hours between runs, 24 to 2160; when omitted, a cleaner already on keeps its interval and a new one runs weekly.</summary>
    [Parameter]
    public int IntervalHours { get; set; }

    internal override IClusterChange CreateChange() =>
        new ImageCleanerChange(MyInvocation.BoundParameters.ContainsKey(nameof(IntervalHours)) ? IntervalHours : null);
}
