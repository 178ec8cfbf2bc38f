namespace HvFleet.Agent.Jobs;

/// <summary>Where the SQLite job store keeps its database.</summary>
internal sealed class SqliteJobStoreOptions
{
    public const string SectionName = "JobStore";

    /// <summary>The database file name inside the data directory.</summary>
    public const string FileName = "jobs.db";

    /// <summary>The agent's data directory (absolute); created when missing. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, FileName);
}
