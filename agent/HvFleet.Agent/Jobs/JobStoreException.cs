namespace HvFleet.Agent.Jobs;

/// <summary>
/// The job store cannot read or write its database. The message names the cause and the file
/// ("job store: no space left on device at /var/lib/hvfleet/jobs.db"), fit to be shown to a caller
/// as a status and to an operator as the one line of a fatal error.
/// </summary>
internal sealed class JobStoreException : Exception
{
    public JobStoreException()
    {
    }

    public JobStoreException(string message)
        : base(message)
    {
    }

    public JobStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public JobStoreException(JobStoreProblem problem, string databasePath, Exception? innerException = null)
        : base(Describe(problem, databasePath, innerException), innerException)
    {
        Problem = problem;
        DatabasePath = databasePath;
    }

    public JobStoreProblem Problem { get; }

    public string DatabasePath { get; } = "";

    private static string Describe(JobStoreProblem problem, string path, Exception? inner) => problem switch
    {
        JobStoreProblem.NoSpace => $"job store: no space left on device at {path}",
        JobStoreProblem.Damaged => $"job store: the database file is damaged ({Detail(inner)}) at {path}; move it aside to start with an empty job history",
        JobStoreProblem.ReadOnly => $"job store: the database is read-only at {path}",
        _ => $"job store: I/O error ({Detail(inner)}) at {path}",
    };

    private static string Detail(Exception? inner) => inner switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => SqliteDetail(sqlite),
        null => "unknown cause",
        _ => inner.Message,
    };

    // SqliteException messages read "SQLite Error 26: 'file is not a database'."; keep SQLite's own words.
    private static string SqliteDetail(Microsoft.Data.Sqlite.SqliteException sqlite)
    {
        var message = sqlite.Message;
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : message;
    }
}
