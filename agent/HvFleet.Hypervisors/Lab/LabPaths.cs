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

    public string VmsRoot => Path.Combine(Root, "vms");

    public string SnapshotsRoot => Path.Combine(Root, "snapshots");

    public string VmDirectory(string vmId) => Path.Combine(VmsRoot, vmId);

    public string VmDisk(string vmId, string fileName) => Path.Combine(VmsRoot, vmId, fileName);

    public string SnapshotDirectory(string snapshotId) => Path.Combine(SnapshotsRoot, snapshotId);

    /// <summary>Where a snapshot is assembled before it is committed (renamed to <see cref="SnapshotDirectory"/>).</summary>
    public string SnapshotStagingDirectory(string snapshotId) => Path.Combine(SnapshotsRoot, "." + snapshotId + ".staging");

    public static string MemberDirectory(string snapshotDirectory, string vmId) => Path.Combine(snapshotDirectory, vmId);

    public static string RuntimeStateFileName(string vmId) => vmId + ".vmrs";
}
