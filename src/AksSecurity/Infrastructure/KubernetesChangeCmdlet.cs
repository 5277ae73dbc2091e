using System.Management.Automation;
using AksSecurity.Engine.Kubernetes;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of the Install-/Uninstall- cmdlets. The installation is built (and validated) once before any request; per cluster:
/// open a session, plan with GETs only, show the plan's warnings, say "no change" when there is none, confirm with the exact
/// objects and fields (-WhatIf stops here), apply with progress, and write the results. Ctrl+C cancels the engine work.
/// </summary>
public abstract class KubernetesChangeCmdlet : KubernetesCmdlet
{
    private IKubernetesInstallation? _installation;

    /// <summary>Server-side apply with force (take over fields other managers own); the tools also use it to override their guards.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Builds the installation from the parameters; throws <see cref="AksSecurityException"/> InvalidArgument for bad input.</summary>
    internal abstract IKubernetesInstallation CreateInstallation();

    protected override void BeginProcessing()
    {
        try
        {
            _installation = CreateInstallation();
        }
        catch (AksSecurityException ex)
        {
            Fail(ex, ex.Target);
        }
    }

    protected override void ProcessRecord() => ForItem(KubernetesTargetText, () =>
    {
        var target = KubernetesTarget();
        var installation = _installation!;
        var session = Run((sink, token) => KubernetesSession.OpenAsync(target, sink, token));
        try
        {
            var plan = Run((sink, token) => KubernetesInstaller.PlanInstallationAsync(session, installation, sink, token));
            foreach (var warning in plan.Warnings)
            {
                WriteWarning(warning);
            }

            if (plan.IsEmpty)
            {
                WriteHostMessage($"Cluster '{session.ClusterName}': no change — {installation.Component} is already as requested ({installation.Action}).");
                WriteResult(session, plan.Changes);
                return;
            }

            var description = $"{installation.Action} on cluster '{session.ClusterName}':{Environment.NewLine}  {plan.Describe().Replace(Environment.NewLine, Environment.NewLine + "  ")}";
            if (!ShouldProcess(description, $"{description}{Environment.NewLine}Apply this change?", installation.Action))
            {
                return;
            }

            var force = Force.IsPresent;
            var changes = Run((sink, token) => KubernetesInstaller.ApplyAsync(session, plan, force, sink, token));
            WriteResult(session, changes);
        }
        finally
        {
            session.Dispose();
        }
    });

    /// <summary>
    /// Writes what was done: one KubernetesObjectChange per object created, updated or deleted, and with -PassThru the
    /// unchanged ones too. A tool may write something else (a status object).
    /// </summary>
    internal virtual void WriteResult(KubernetesSession session, IReadOnlyList<KubernetesObjectChange> changes)
    {
        foreach (var change in changes.Where(c => PassThru || c.Action != "Unchanged"))
        {
            WriteObject(change);
        }
    }
}
