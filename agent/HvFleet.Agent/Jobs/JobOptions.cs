namespace HvFleet.Agent.Jobs;

/// <summary>Limits and timings of the job engine (configuration section "Jobs").</summary>
internal sealed class JobOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Snapshot jobs running at once on this host; deletes count here too. Default 2.</summary>
    public int MaxConcurrentSnapshots { get; set; } = 2;

    /// <summary>Export jobs running at once on this host. Default 2.</summary>
    public int MaxConcurrentExports { get; set; } = 2;

    /// <summary>Jobs that may wait for a slot; one more is refused as "queue full". Default 64.</summary>
    public int MaxQueuedJobs { get; set; } = 64;

    /// <summary>Events buffered per watcher; a slow watcher loses the oldest progress events, never the terminal one. Default 16.</summary>
    public int WatcherBufferCapacity { get; set; } = 16;

    /// <summary>Progress is written to the store at most this often (state changes always are). Default 500 ms.</summary>
    public TimeSpan ProgressPersistInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>On shutdown, how long running jobs may take to finish before they are cancelled. Default 20 s.</summary>
    public TimeSpan DrainGracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// While the job store cannot write (disk full, I/O error), how often a write is tried again: a
    /// job's terminal state waits for it (it is never announced before it is durable), and a probe
    /// write tells when the store has recovered. Default 5 s.
    /// </summary>
    public TimeSpan StoreRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the host's VMs and VM groups, as listed for checking a snapshot request's target,
    /// are reused before they are listed again (on Hyper-V each listing is a WMI query). A snapshot
    /// or delete job that ends drops them at once. Zero lists them for every request. Default 5 s.
    /// </summary>
    public TimeSpan InventoryCacheTtl { get; set; } = TimeSpan.FromSeconds(5);
}
