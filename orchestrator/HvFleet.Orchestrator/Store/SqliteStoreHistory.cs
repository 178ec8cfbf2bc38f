using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Store;

/// <summary>
/// Tells a first start from a lost database: when the SQLite file does not exist yet but the data directory holds what
/// an earlier orchestrator left there (a non-empty audit log, the database's -wal, -shm or -journal file), the store
/// about to be created is new while the directory has history, and the orchestrator says so loudly: operations
/// started before are forgotten (replays with the same request id still reach the agents' existing jobs).
/// </summary>
internal static partial class SqliteStoreHistory
{
    /// <summary>The files that show history beside <paramref name="databasePath"/> when that file does not exist; empty otherwise.</summary>
    public static IReadOnlyList<string> FindWithoutStore(string databasePath)
    {
        if (File.Exists(databasePath))
        {
            return [];
        }

        string directory = Path.GetDirectoryName(databasePath)!;
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var found = new List<string>();
        foreach (string suffix in new[] { "-wal", "-shm", "-journal" })
        {
            if (File.Exists(databasePath + suffix))
            {
                found.Add(databasePath + suffix);
            }
        }

        // audit.log and its rotations (audit.1.log, ...); an empty one is what a fresh start creates.
        found.AddRange(Directory.EnumerateFiles(directory, "audit*.log")
            .Where(path => new FileInfo(path).Length > 0)
            .Order(StringComparer.Ordinal));
        return found;
    }

    [LoggerMessage(EventId = 410, EventName = "NewStoreOverHistory", Level = LogLevel.Warning,
        Message = "NEW OPERATION STORE: created {DatabasePath} now, but its data directory holds history of an earlier orchestrator ({History}). If the database was lost or moved, every operation it recorded is forgotten: stop and restore it from a backup. Replays with the same request id still reach the agents' existing jobs and take no second checkpoint.")]
    public static partial void LogNewStoreOverHistory(ILogger logger, string databasePath, string history);
}
