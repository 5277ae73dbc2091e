using System.Management.Automation;
using AksSecurity.Engine.Azure;
using AksSecurity.Engine.Pipelines;

namespace AksSecurity.Infrastructure;

/// <summary>
/// Base of every cmdlet: runs engine work off the pipeline thread while relaying its messages, cancels it on Ctrl+C,
/// and turns errors into ErrorRecords so one bad item never stops the rest of the pipeline.
/// </summary>
public abstract class AksCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ArmConnection? _connection;

    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>The connection for this invocation: Connect-AksSecurity's, else Az.Accounts' context, else the default chain.</summary>
    internal ArmConnection Connection => _connection ??= ConnectionResolver.Resolve(this);

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    internal void WriteHostMessage(string message) =>
        WriteInformation(new HostInformationMessage { Message = message }, new[] { "PSHOST" });

    // Every error and warning of our cmdlets passes here (these hide Cmdlet's own), so under Azure DevOps each one is also
    // a ##vso[task.logissue] line, shown in the run's summary, naming the script line that called the cmdlet.

    internal new void WriteError(ErrorRecord errorRecord)
    {
        LogIssue(IssueType.Error, errorRecord, "ErrorAction", "ErrorActionPreference");
        base.WriteError(errorRecord);
    }

    internal new void WriteWarning(string text)
    {
        LogIssue(IssueType.Warning, text, null, "WarningAction", "WarningPreference");
        base.WriteWarning(text);
    }

    internal new void ThrowTerminatingError(ErrorRecord errorRecord)
    {
        LogIssue(IssueType.Error, errorRecord, null, null);
        base.ThrowTerminatingError(errorRecord);
    }

    /// <summary>The audit gate's error, logged before it is thrown (see AuditFailure).</summary>
    internal void LogTerminatingError(ErrorRecord errorRecord) => LogIssue(IssueType.Error, errorRecord, null, null);

    private void LogIssue(IssueType type, ErrorRecord record, string? actionParameter, string? preferenceVariable) =>
        LogIssue(type, record.ErrorDetails?.Message is { Length: > 0 } details ? details : record.Exception.Message, record.FullyQualifiedErrorId, actionParameter, preferenceVariable);

    private void LogIssue(IssueType type, string message, string? code, string? actionParameter, string? preferenceVariable)
    {
        if (!AzurePipelinesLog.IsAzurePipelines(System.Environment.GetEnvironmentVariable) || Silenced(actionParameter, preferenceVariable))
        {
            return;
        }

        var script = MyInvocation.ScriptName is { Length: > 0 } name ? name : null;
        WriteHostMessage(AzurePipelinesLog.LogIssue(type, message, script, script is null ? null : MyInvocation.ScriptLineNumber, code));
    }

    /// <summary>An error or warning the caller asked not to see (-ErrorAction/-WarningAction or the preference SilentlyContinue/Ignore) is not logged either.</summary>
    private bool Silenced(string? actionParameter, string? preferenceVariable)
    {
        if (actionParameter is null || preferenceVariable is null)
        {
            return false;
        }

        var value = MyInvocation.BoundParameters.TryGetValue(actionParameter, out var bound) ? bound : GetVariableValue(preferenceVariable);
        return LanguagePrimitives.TryConvertTo<ActionPreference>(value, out var preference)
            && preference is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
    }

    /// <summary>Runs engine work on the thread pool and replays its verbose/debug/warning/progress output here.</summary>
    internal T Run<T>(Func<IOperationSink, CancellationToken, Task<T>> work)
    {
        using var sink = new PipelineSink(progressBase: 1000);
        var task = Task.Run(() => work(sink, StopToken), StopToken);
        sink.Pump(this, task);
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// Runs streaming engine work on the thread pool and hands each item to <paramref name="onItem"/> here, on the pipeline
    /// thread, as it arrives — in order with the work's verbose/debug/warning/progress messages. When <paramref name="onItem"/>
    /// throws (a downstream Select-Object -First stops the pipeline, -ErrorAction Stop) the work is cancelled and awaited before
    /// the exception goes on; Ctrl+C cancels it too.
    /// </summary>
    internal void RunStream<T>(Func<IOperationSink, CancellationToken, IAsyncEnumerable<T>> work, Action<T> onItem)
    {
        using var sink = new PipelineSink(progressBase: 1000);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(StopToken);
        var token = abandon.Token;
        var task = Task.Run(async () =>
        {
            await foreach (var item in work(sink, token).WithCancellation(token).ConfigureAwait(false))
            {
                sink.Post(_ => onItem(item));
            }
        }, token);
        try
        {
            sink.Pump(this, task);
        }
        catch
        {
            abandon.Cancel();
            // The work must be done with the sink before it is disposed; its own outcome no longer matters.
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
            throw;
        }

        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    internal void Run(Func<IOperationSink, CancellationToken, Task> work) =>
        Run<bool>(async (sink, token) => { await work(sink, token).ConfigureAwait(false); return true; });

    /// <summary>Does the work for one pipeline item; its failure becomes a non-terminating error with <paramref name="target"/>.</summary>
    internal void ForItem(object? target, Action body)
    {
        try
        {
            body();
        }
        catch (AksSecurityException ex)
        {
            WriteError(ErrorRecords.From(ex, target));
        }
        catch (Exception ex) when (ex is not RuntimeException and not OperationCanceledException)
        {
            WriteError(ErrorRecords.Unexpected(ex, target));
        }
    }

    /// <summary>A terminating error for problems that make the whole command meaningless (bad parameter combinations).</summary>
    internal void Fail(AksSecurityException ex, object? target = null) => ThrowTerminatingError(ErrorRecords.From(ex, target));
}
