using HvFleet.Agent.Service;
using HvFleet.Testing;
using Microsoft.Extensions.Logging;

namespace HvFleet.Agent.Tests.Service;

public sealed class FileLoggerProviderTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hvfleet-log-" + Guid.NewGuid().ToString("N"), "logs");
    private readonly ManualTimeProvider _time = new();

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);

    [Fact]
    public void Log_Entry_WritesOneLineWithTimeLevelCategoryEventIdAndMessage()
    {
        using (var provider = new FileLoggerProvider(_directory, _time))
        {
            provider.CreateLogger("HvFleet.Agent.Jobs").Log(LogLevel.Warning, new EventId(42, "X"), "queue is full", null, (s, _) => s);
        }

        var lines = File.ReadAllLines(Path.Combine(_directory, "agent.log"));
        Assert.Equal(["2026-01-01T00:00:00.000Z WRN HvFleet.Agent.Jobs[42] queue is full"], lines);
    }

    [Fact]
    public void Log_Exception_IndentsItUnderTheEntry()
    {
        using (var provider = new FileLoggerProvider(_directory, _time))
        {
            provider.CreateLogger("C").Log(LogLevel.Error, default, "failed", new InvalidOperationException("boom"), (s, _) => s);
        }

        var lines = File.ReadAllLines(Path.Combine(_directory, "agent.log"));
        Assert.EndsWith("ERR C[0] failed", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("    System.InvalidOperationException: boom", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Log_PastMaxBytes_RotatesKeepingTheNewestFiles()
    {
        using (var provider = new FileLoggerProvider(_directory, _time, "agent.log", maxBytes: 1024, keepFiles: 2))
        {
            var logger = provider.CreateLogger("C");
            var entries = Enumerable.Range(0, 40).Select(i => $"entry {i:D2} " + new string('x', 60)).ToList();
            foreach (var entry in entries)
            {
                logger.Log(LogLevel.Information, default, entry, null, (s, _) => s);
            }
        }

        var files = Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["agent.1.log", "agent.2.log", "agent.log"], files);
        Assert.All(Directory.GetFiles(_directory), f => Assert.True(new FileInfo(f).Length <= 1024));
        Assert.Contains("entry 39", File.ReadAllText(Path.Combine(_directory, "agent.log")), StringComparison.Ordinal);
        Assert.DoesNotContain("entry 00", string.Concat(Directory.GetFiles(_directory).Select(File.ReadAllText)), StringComparison.Ordinal);
    }
}
