using System.Collections.Concurrent;
using System.Management.Automation;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Collects what the engine reports from any thread and replays it on the pipeline thread, the only thread
/// allowed to write to PowerShell's streams.
/// </summary>
internal sealed class PipelineSink : IOperationSink, IDisposable
{
    private readonly BlockingCollection<Action<AksCmdlet>> _queue = new();
    private readonly HashSet<int> _openProgress = new();
    private readonly int _progressBase;

    public PipelineSink(int progressBase) => _progressBase = progressBase;

    public void Verbose(string message) => _queue.Add(c => c.WriteVerbose(message));
    public void Debug(string message) => _queue.Add(c => c.WriteDebug(message));
    public void Warning(string message) => _queue.Add(c => c.WriteWarning(message));
    public void Prompt(string message) => _queue.Add(c => c.WriteHostMessage(message));

    /// <summary>Queues any pipeline-thread action (an item for the output stream) in order with the messages.</summary>
    public void Post(Action<AksCmdlet> action) => _queue.Add(action);

    public void Progress(string activity, string status, int percent) => _queue.Add(c =>
    {
        var id = _progressBase + Math.Abs(activity.GetHashCode() % 1000);
        _openProgress.Add(id);
        c.WriteProgress(new ProgressRecord(id, activity, status) { PercentComplete = percent });
    });

    /// <summary>Replays queued messages until <paramref name="work"/> finishes, then the rest, then closes progress bars.</summary>
    public void Pump(AksCmdlet cmdlet, Task work)
    {
        while (!work.IsCompleted)
        {
            if (_queue.TryTake(out var next, 50))
            {
                next(cmdlet);
            }
        }

        while (_queue.TryTake(out var rest))
        {
            rest(cmdlet);
        }

        foreach (var id in _openProgress)
        {
            cmdlet.WriteProgress(new ProgressRecord(id, "AksSecurity", "Done") { RecordType = ProgressRecordType.Completed });
        }

        _openProgress.Clear();
    }

    public void Dispose() => _queue.Dispose();
}
