namespace HvFleet.Agent.Jobs;

/// <summary>
/// Which per-host limit a job counts against. Deletes count with snapshots: on Hyper-V deleting a
/// checkpoint merges its differencing disks into the parent, the same storage work a checkpoint
/// competes for.
/// </summary>
internal enum JobConcurrencyClass
{
    Snapshot = 1,
    Export = 2,
}
