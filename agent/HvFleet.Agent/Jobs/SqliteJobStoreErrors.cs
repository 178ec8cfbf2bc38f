using Microsoft.Data.Sqlite;

namespace HvFleet.Agent.Jobs;

/// <summary>Classifies the SQLite and file errors that mean the job store itself is unusable.</summary>
internal static class SqliteJobStoreErrors
{
    // Primary result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte.
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteNotADatabase = 26;

    // errno ENOSPC (Linux) and ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL (Windows) as HResults of an IOException.
    private const int Enospc = 28;
    private const int ErrorHandleDiskFull = unchecked((int)0x80070027);
    private const int ErrorDiskFull = unchecked((int)0x80070070);

    /// <summary>Below this many free bytes, an I/O error of the store is taken for a full volume.</summary>
    public const long FullVolumeBytes = 1024 * 1024;

    /// <summary>The store problem <paramref name="exception"/> (met on <paramref name="databasePath"/>) stands for, or null when it is something else.</summary>
    public static JobStoreProblem? Classify(Exception exception, string databasePath) => exception switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) switch
        {
            SqliteFull => JobStoreProblem.NoSpace,
            // SQLite reports some ENOSPC writes (growing a file by a size hint) as I/O errors without the errno: a
            // volume with next to no space left is the cause then.
            SqliteIoError when VolumeIsFull(databasePath) => JobStoreProblem.NoSpace,
            SqliteCorrupt or SqliteNotADatabase => JobStoreProblem.Damaged,
            SqliteReadOnly => JobStoreProblem.ReadOnly,
            SqliteIoError or SqliteCantOpen => JobStoreProblem.IoError,
            _ => null,
        },
        IOException io when io.HResult is Enospc or ErrorHandleDiskFull or ErrorDiskFull => JobStoreProblem.NoSpace,
        IOException or UnauthorizedAccessException => JobStoreProblem.IoError,
        _ => null,
    };

    private static bool VolumeIsFull(string databasePath)
    {
        try
        {
            return Path.GetDirectoryName(Path.GetFullPath(databasePath)) is { } directory
                && new DriveInfo(directory).AvailableFreeSpace < FullVolumeBytes;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }
}
