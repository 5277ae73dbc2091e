using System.Collections.Concurrent;
using AksSecurity.Engine.Azure;

namespace AksSecurity.Engine.Tests.TestData;

/// <summary>Keeps everything the engine reports, so tests can assert what a user would see.</summary>
internal sealed class RecordingSink : IOperationSink
{
    private readonly ConcurrentQueue<(string Stream, string Text)> _messages = new();

    public IReadOnlyList<(string Stream, string Text)> Messages => _messages.ToArray();

    public IEnumerable<string> Of(string stream) => _messages.Where(m => m.Stream == stream).Select(m => m.Text);

    public string AllText => string.Join("\n", _messages.Select(m => m.Text));

    public void Verbose(string message) => _messages.Enqueue(("verbose", message));
    public void Debug(string message) => _messages.Enqueue(("debug", message));
    public void Warning(string message) => _messages.Enqueue(("warning", message));
    public void Progress(string activity, string status, int percent) => _messages.Enqueue(("progress", $"{activity}: {status}"));
    public void Prompt(string message) => _messages.Enqueue(("prompt", message));
}
