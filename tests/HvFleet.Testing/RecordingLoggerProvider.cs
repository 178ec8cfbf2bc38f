using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HvFleet.Testing;

/// <summary>A logger provider that keeps every entry, for tests that assert what a host logged.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<RecordedLog> _entries = new();

    /// <summary>Every entry so far, in order.</summary>
    public IReadOnlyList<RecordedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<RecordedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new RecordedLog(category, logLevel, eventId, formatter(state, exception)));
    }
}
