using Microsoft.Extensions.Logging;

namespace HvFleet.Testing;

/// <summary>One entry kept by <see cref="RecordingLoggerProvider"/>.</summary>
public sealed record RecordedLog(string Category, LogLevel Level, EventId EventId, string Message);
