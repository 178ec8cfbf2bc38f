namespace HvFleet.Agent.Jobs;

/// <summary>Why the job store cannot be used.</summary>
internal enum JobStoreProblem
{
    /// <summary>The volume holding the database is full (SQLITE_FULL, ENOSPC). Recovers when space returns.</summary>
    NoSpace = 1,

    /// <summary>The database file is not a database or is corrupt (SQLITE_NOTADB, SQLITE_CORRUPT). Needs an operator.</summary>
    Damaged = 2,

    /// <summary>The file or its volume is read-only (SQLITE_READONLY).</summary>
    ReadOnly = 3,

    /// <summary>The disk failed a read or write (SQLITE_IOERR), or the file cannot be opened (SQLITE_CANTOPEN).</summary>
    IoError = 4,
}
