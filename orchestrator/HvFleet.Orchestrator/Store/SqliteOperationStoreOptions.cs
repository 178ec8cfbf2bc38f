namespace HvFleet.Orchestrator.Store;

/// <summary>Where the SQLite operation store lives.</summary>
public sealed class SqliteOperationStoreOptions
{
    public const string SectionName = "HvFleet:Store:Sqlite";

    /// <summary>The orchestrator's data directory (created when missing). Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The database file name inside <see cref="DataDirectory"/> (default hvfleet.db).</summary>
    public string FileName { get; set; } = "hvfleet.db";

    /// <summary>How long a write waits for the database lock (default 30 s).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
