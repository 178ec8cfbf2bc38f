namespace HvFleet.Hypervisors.Lab.State;

/// <summary>Everything the lab host persists in its state file.</summary>
internal sealed class LabHostState
{
    public const int CurrentVersion = 1;

    public int Version { get; set; } = CurrentVersion;

    public string HostName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public List<LabVmRecord> Vms { get; set; } = [];

    public List<LabCollectionRecord> Collections { get; set; } = [];

    public List<LabSnapshotRecord> Snapshots { get; set; } = [];
}
