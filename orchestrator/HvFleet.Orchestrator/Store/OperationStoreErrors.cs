using Microsoft.Data.Sqlite;

namespace HvFleet.Orchestrator.Store;

/// <summary>
/// Classifies the errors that mean the operation store itself cannot be used (its volume is full, its file damaged,
/// read-only or failing) and says so in one line naming the cause and the file.
/// </summary>
public static class OperationStoreErrors
{
    // Primary SQLite result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte.
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    /// <summary>The store failure <paramref name="exception"/> stands for, naming <paramref name="store"/>'s file when it has
    /// one; null when it is something else.</summary>
    public static OperationStoreFailure? Describe(Exception exception, IOperationStore store) =>
        Describe(exception, (store as SqliteOperationStore)?.DatabasePath ?? "the operation store");

    /// <summary>The store failure <paramref name="exception"/> (or one of its inner exceptions) stands for; null when it is something else.</summary>
    public static OperationStoreFailure? Describe(Exception exception, string databasePath)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SqliteException sqlite && Describe(sqlite, databasePath) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    private static OperationStoreFailure? Describe(SqliteException sqlite, string path) => (sqlite.SqliteErrorCode & 0xFF) switch
    {
        SqliteFull => NoSpace(path),
        // SQLite reports some ENOSPC writes (growing the file by a size hint) as I/O errors without the errno: a volume
        // with next to no space left is the cause then.
        SqliteIoError when VolumeIsFull(path) => NoSpace(path),
        SqliteCorrupt or SqliteNotADatabase => new(OperationStoreProblem.Damaged,
            $"operation store: the database file is damaged ({SqliteWords(sqlite)}) at {path}; move it aside to start with an empty history"),
        SqliteReadOnly => new(OperationStoreProblem.Unwritable, $"operation store: the database is read-only at {path}"),
        SqliteIoError or SqliteCantOpen => new(OperationStoreProblem.Unwritable, $"operation store: I/O error ({SqliteWords(sqlite)}) at {path}"),
        _ => null,
    };

    /// <summary>Below this many free bytes, an I/O error of the store is taken for a full volume.</summary>
    public const long FullVolumeBytes = 1024 * 1024;

    private static OperationStoreFailure NoSpace(string path) => new(OperationStoreProblem.NoSpace, $"operation store: no space left on device at {path}");

    private static bool VolumeIsFull(string path)
    {
        try
        {
            return Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory && new DriveInfo(directory).AvailableFreeSpace < FullVolumeBytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    // "SQLite Error 26: 'file is not a database'." -> "file is not a database".
    private static string SqliteWords(SqliteException sqlite)
    {
        var message = sqlite.Message;
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }
}
