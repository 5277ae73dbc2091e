namespace AksSecurity.Engine.Azure;

/// <summary>
/// The module's connection for this PowerShell session: set by Connect-AksSecurity, cleared by Disconnect-AksSecurity
/// and on Remove-Module. One per process, like Az.Accounts' context.
/// </summary>
public static class AksSession
{
    private static readonly object Gate = new();
    private static ArmConnection? _current;

    public static ArmConnection? Current
    {
        get { lock (Gate) { return _current; } }
        set { lock (Gate) { _current = value; } }
    }

    public static void Clear() => Current = null;
}
