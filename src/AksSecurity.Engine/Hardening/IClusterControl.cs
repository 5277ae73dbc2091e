namespace AksSecurity.Engine.Hardening;

using AksSecurity.Engine.Clusters;

/// <summary>
/// A hardening control's change: given the freshly read cluster, the field edits that make it as asked (empty when it
/// already is). Guards throw <see cref="AksSecurityException"/> before anything is sent. Plan must be repeatable: after a
/// 412 the cluster is read again and planned again.
/// </summary>
public interface IClusterChange
{
    /// <summary>What the change does, for -WhatIf and progress ("Set API server access").</summary>
    string Action { get; }

    ChangePlan Plan(ManagedClusterDocument current);
}
