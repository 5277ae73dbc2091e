using System.Management.Automation;
using AksSecurity.Engine.Hardening;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of every Set-/Enable- cmdlet: the change is validated once before any request; each cluster is read, planned
/// (nothing is sent when it is already as asked, and the user is told), confirmed with the exact field changes, and
/// applied with If-Match.
/// </summary>
public abstract class ChangeClusterCmdlet : ClusterTargetCmdlet
{
    private IClusterChange? _change;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Builds the change from the parameters; throws <see cref="AksSecurityException"/> for bad input.</summary>
    internal abstract IClusterChange CreateChange();

    /// <summary>Added to the confirmation prompt, for changes that cannot be undone.</summary>
    internal virtual string? ConfirmationWarning => null;

    protected override void BeginProcessing()
    {
        try
        {
            _change = CreateChange();
        }
        catch (AksSecurityException ex)
        {
            Fail(ex, ex.Target);
        }
    }

    protected override void ProcessRecord() => ForItem(TargetText, () =>
    {
        var id = TargetId();
        var runner = new ClusterChangeRunner(Connection);
        var change = _change!;
        var plan = Run((sink, token) => runner.PlanAsync(id, change, sink, token));
        foreach (var warning in plan.Warnings)
        {
            WriteWarning(warning);
        }

        if (plan.IsEmpty)
        {
            WriteHostMessage($"Cluster '{id.Name}': no change — already as requested ({change.Action}).");
            PassThruIfAsked(plan.Current);
            return;
        }

        var description = $"{change.Action} on cluster '{id.Name}' ({id.Id}):{Environment.NewLine}  {plan.Describe().Replace(Environment.NewLine, Environment.NewLine + "  ")}";
        var prompt = ConfirmationWarning is { } caution ? $"{description}{Environment.NewLine}{caution}" : description;
        if (!ShouldProcess(description, $"{prompt}{Environment.NewLine}Apply this change?", change.Action))
        {
            return;
        }

        var result = Run((sink, token) => runner.ApplyAsync(plan, change, sink, token));
        if (!result.Changed)
        {
            WriteHostMessage($"Cluster '{id.Name}': no change — someone else already made it.");
        }

        PassThruIfAsked(result.Cluster);
    });

    private void PassThruIfAsked(Engine.Clusters.ManagedClusterDocument cluster)
    {
        if (PassThru)
        {
            WriteObject(cluster.ToAksCluster());
        }
    }
}
