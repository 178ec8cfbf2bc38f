namespace HvFleet.Hypervisors;

/// <summary>Snapshot types with the seed's values (Msvm_CollectionSnapshotService SnapshotType).</summary>
public enum SnapshotKind
{
    Standard = 1,
    Recovery = 2,
}
