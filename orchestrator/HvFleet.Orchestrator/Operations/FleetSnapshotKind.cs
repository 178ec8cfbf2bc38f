namespace HvFleet.Orchestrator.Operations;

/// <summary>Hyper-V's SnapshotType values (Msvm_CollectionSnapshotService.CreateSnapshot).</summary>
public enum FleetSnapshotKind
{
    Standard = 1,
    Recovery = 2,
}
