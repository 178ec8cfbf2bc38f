namespace HvFleet.Agent.Jobs;

/// <summary>Where the SQLite job store keeps its database.</summary>
internal sealed class SqliteJobStoreOptions
{
    public const string SectionName = "JobStore";

    /// <summary>The database file name inside the data directory.</summary>
    public const string FileName = "jobs.db";

    /// <summary>The agent's data directory (absolute); created when missing. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// true (default): every commit is synced to disk (SQLite synchronous=FULL), so a job and its
    /// request id survive a power loss and a replay never starts a second checkpoint. false:
    /// synchronous=NORMAL in WAL mode, several times faster on slow disks; jobs still survive an
    /// agent crash, but the last commits can be lost if the machine itself loses power.
    /// </summary>
    public bool SyncEveryCommit { get; set; } = true;

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, FileName);
}
