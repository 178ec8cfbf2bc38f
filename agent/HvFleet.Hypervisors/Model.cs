namespace HvFleet.Hypervisors;

/// <summary>Which hypervisor a backend drives.</summary>
public enum HypervisorKind
{
    Lab = 1,
    HyperV = 2,
}

/// <summary>What a backend reports about itself.</summary>
public sealed record HypervisorInfo(HypervisorKind Kind, string Version, IReadOnlyList<string> Capabilities);

/// <summary>A VM's state, mapped from Hyper-V's EnabledState.</summary>
public enum VmState
{
    Other = 0,
    Running = 1,
    Off = 2,
    Saved = 3,
    Paused = 4,
    Starting = 5,
    Stopping = 6,
    Saving = 7,

    /// <summary>Being deleted or otherwise busy: snapshots are refused with "invalid state".</summary>
    Busy = 8,
}

/// <summary>A virtual machine (the host itself is never listed).</summary>
public sealed record VirtualMachineInfo(string Id, string Name, VmState State, IReadOnlyList<string> CollectionIds, uint EnabledState);

/// <summary>Hyper-V CollectionType: 0 = a group of VMs, 1 = a group of groups.</summary>
public enum CollectionKind
{
    VmCollection = 0,
    ManagementCollection = 1,
}

/// <summary>A VM group.</summary>
public sealed record VmCollectionInfo(string Id, string Name, CollectionKind Kind, IReadOnlyList<string> MemberVmIds);

/// <summary>Snapshot types with the seed's values (Msvm_CollectionSnapshotService SnapshotType).</summary>
public enum SnapshotKind
{
    Standard = 1,
    Recovery = 2,
}

/// <summary>Whether a snapshot covers a VM group or one VM.</summary>
public enum SnapshotScope
{
    Collection = 1,
    VirtualMachine = 2,
}

/// <summary>A snapshot collection, or one VM's snapshot.</summary>
public sealed record SnapshotInfo(
    string Id,
    string Name,
    SnapshotKind Kind,
    SnapshotScope Scope,
    DateTimeOffset CreatedAt,
    string? CollectionId,
    IReadOnlyList<VmSnapshotInfo> Members,
    SnapshotOrigin? Origin = null);

/// <summary>One VM captured in a snapshot.</summary>
public sealed record VmSnapshotInfo(string VmId, string VmName, string SnapshotId);

/// <summary>Filter for <see cref="IHypervisor.ListSnapshotsAsync"/>; null fields match everything.</summary>
public sealed record SnapshotFilter(string? CollectionId = null, string? VmId = null)
{
    public static readonly SnapshotFilter All = new();
}

/// <summary>Consistency of per-VM snapshots (Msvm_VirtualSystemSnapshotSettingData ConsistencyLevel).</summary>
public enum ConsistencyLevel
{
    Default = 0,
    ApplicationConsistent = 1,
    CrashConsistent = 2,
}

/// <summary>What to checkpoint: a VM group, or a set of VMs.</summary>
public sealed record SnapshotTarget
{
    private SnapshotTarget(string? collectionId, IReadOnlyList<string> vmIds)
    {
        CollectionId = collectionId;
        VmIds = vmIds;
    }

    public string? CollectionId { get; }

    public IReadOnlyList<string> VmIds { get; }

    public bool IsCollection => CollectionId is not null;

    public static SnapshotTarget Collection(string collectionId) => new(collectionId, []);

    public static SnapshotTarget VirtualMachines(IReadOnlyList<string> vmIds) => new(null, vmIds);
}

/// <summary>
/// A snapshot to take. <paramref name="Origin"/> is the identity of the job taking it, which the
/// backend keeps with the checkpoint (see <see cref="SnapshotOrigin"/>); it is not part of what the caller asked for.
/// </summary>
public sealed record SnapshotRequest(SnapshotTarget Target, SnapshotKind Kind, string? Name, ConsistencyLevel Consistency = ConsistencyLevel.Default, SnapshotOrigin? Origin = null);

/// <summary>Hyper-V's backup intent (collection class numbering: 1 preserve chain, 2 merge).</summary>
public enum BackupIntent
{
    Default = 0,
    PreserveChain = 1,
    Merge = 2,
}

/// <summary>How a running VM's state is captured in an export.</summary>
public enum CaptureLiveState
{
    Default = 0,
    CrashConsistent = 1,
    SavedState = 2,
    ApplicationConsistent = 3,
}

/// <summary>Export settings, independent of the two Hyper-V classes' numberings.</summary>
public sealed record ExportOptions(
    bool CopyVmStorage = true,
    bool CreateVmExportSubdirectory = true,
    bool CopyVmRuntimeInformation = false,
    BackupIntent BackupIntent = BackupIntent.Default,
    string? DifferentialBackupBase = null,
    CaptureLiveState CaptureLiveState = CaptureLiveState.Default)
{
    public static readonly ExportOptions Default = new();
}

/// <summary>
/// An export to perform. <see cref="ExportDirectory"/> is absolute and already confined by the agent
/// to <see cref="ExportRoot"/>, the export root it lies under; backends open it again from that root
/// when they write, without following links. A null root means the directory's filesystem root.
/// </summary>
public sealed record ExportRequest(string SnapshotId, string ExportDirectory, ExportOptions Options, bool Overwrite, string? ExportRoot = null);

/// <summary>Progress of a long operation.</summary>
public readonly record struct HypervisorProgress(int Percent, long BytesDone, long BytesTotal, string? StatusText = null);

/// <summary>A backend's own job, recorded for re-attach after an agent restart.</summary>
public sealed record BackendJobReference(string JobId, BackendOperationKind Operation, string? TargetId);

/// <summary>What a backend job was doing.</summary>
public enum BackendOperationKind
{
    CreateSnapshot = 1,
    ExportSnapshot = 2,
    DeleteSnapshot = 3,
}

/// <summary>The result of a successful operation; fields that do not apply are empty.</summary>
public sealed record OperationResult(
    IReadOnlyList<string> SnapshotIds,
    string? ExportPath = null,
    string? ManifestPath = null,
    long Bytes = 0,
    int Files = 0,
    IReadOnlyList<string>? Warnings = null)
{
    public static readonly OperationResult Empty = new([]);
}
