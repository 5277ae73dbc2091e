namespace AksSecurity.Engine.Azure;

/// <summary>
/// Where the engine reports what it is doing. The cmdlets forward these to PowerShell's streams on the pipeline thread,
/// so implementations must be thread-safe. Messages never contain tokens or secrets.
/// </summary>
public interface IOperationSink
{
    void Verbose(string message);
    void Debug(string message);
    void Warning(string message);

    /// <summary>Progress of a long operation; <paramref name="percent"/> is -1 when unknown.</summary>
    void Progress(string activity, string status, int percent);

    /// <summary>A message to show the user at once (device code login instructions).</summary>
    void Prompt(string message);
}

/// <summary>A sink that drops everything, for callers that do not report.</summary>
public sealed class NullOperationSink : IOperationSink
{
    public static readonly NullOperationSink Instance = new();
    public void Verbose(string message) { }
    public void Debug(string message) { }
    public void Warning(string message) { }
    public void Progress(string activity, string status, int percent) { }
    public void Prompt(string message) { }
}
