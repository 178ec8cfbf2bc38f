using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>A logger that keeps every entry (level, event name, formatted message) for assertions.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string? EventName, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId.Name, formatter(state, exception)));
}
