namespace HvFleet.Hypervisors.Lab;

/// <summary>Where a lab host keeps things inside its directory.</summary>
internal sealed class LabPaths
{
    public const string StateFileName = "lab-state.json";

    public LabPaths(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string StateFile => Path.Combine(Root, StateFileName);

    /// <summary>The state file as it was before the last save (kept for recovery).</summary>
    public string PreviousStateFile => StateFile + ".prev";

    /// <summary>Where a fresh host is seeded before it is moved into place (with its state file last).</summary>
    public string SeedStagingDirectory => Path.Combine(Root, ".lab-seed.staging");

    public string VmsRoot => Path.Combine(Root, "vms");

    public string SnapshotsRoot => Path.Combine(Root, "snapshots");

    public string VmDirectory(string vmId) => Path.Combine(VmsRoot, vmId);

    public string VmDisk(string vmId, string fileName) => Path.Combine(VmsRoot, vmId, fileName);

    public string SnapshotDirectory(string snapshotId) => Path.Combine(SnapshotsRoot, snapshotId);

    /// <summary>Where a snapshot is assembled before it is committed (renamed to <see cref="SnapshotDirectory"/>).</summary>
    public string SnapshotStagingDirectory(string snapshotId) => Path.Combine(SnapshotsRoot, "." + snapshotId + ".staging");

    /// <summary>Where a snapshot being deleted is moved first: gone from view at once, and recognisably ours if a crash interrupts the delete.</summary>
    public string SnapshotDeletingDirectory(string snapshotId) => Path.Combine(SnapshotsRoot, "." + snapshotId + ".deleting");

    public static string MemberDirectory(string snapshotDirectory, string vmId) => Path.Combine(snapshotDirectory, vmId);

    public static string RuntimeStateFileName(string vmId) => vmId + ".vmrs";
}
