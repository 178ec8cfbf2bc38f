namespace HvFleet.Hypervisors;

/// <summary>Consistency of per-VM snapshots (Msvm_VirtualSystemSnapshotSettingData ConsistencyLevel).</summary>
public enum ConsistencyLevel
{
    Default = 0,
    ApplicationConsistent = 1,
    CrashConsistent = 2,
}
