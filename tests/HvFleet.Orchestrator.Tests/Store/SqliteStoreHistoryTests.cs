using HvFleet.Orchestrator.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Tests.Store;

public sealed class SqliteStoreHistoryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hvfleet-store-history-tests", Guid.NewGuid().ToString("N"));
    private readonly RecordingLogger _logger = new();

    public SqliteStoreHistoryTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Initialize_NewStoreWhileTheDataDirectoryHoldsAnAuditLog_WarnsLoudlyNamingTheDatabase()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "audit.log"), "{\"method\":\"StartFleetSnapshot\"}\n");

        using var store = await OpenAsync();

        var warning = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("NEW OPERATION STORE", warning.Message, StringComparison.Ordinal);
        Assert.Contains(store.DatabasePath, warning.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_directory, "audit.log"), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_NewStoreBesideAnOldWriteAheadLog_Warns()
    {
        await File.WriteAllBytesAsync(Path.Combine(_directory, "hvfleet.db-wal"), new byte[32]);

        using var store = await OpenAsync();

        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(store.DatabasePath + "-wal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Initialize_FirstStartWithAnEmptyAuditLog_NoWarning()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "audit.log"), "");

        using var store = await OpenAsync();

        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Initialize_ExistingStoreWithHistory_NoWarning()
    {
        using (await OpenAsync())
        {
        }

        await File.WriteAllTextAsync(Path.Combine(_directory, "audit.log"), "{}\n");
        _logger.Entries.Clear();

        using var store = await OpenAsync();

        Assert.DoesNotContain(_logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<SqliteOperationStore> OpenAsync()
    {
        var store = new SqliteOperationStore(
            Microsoft.Extensions.Options.Options.Create(new SqliteOperationStoreOptions { DataDirectory = _directory }), TimeProvider.System, _logger);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    private sealed class RecordingLogger : ILogger<SqliteOperationStore>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
