namespace HvFleet.Hypervisors;

/// <summary>What a backend job was doing.</summary>
public enum BackendOperationKind
{
    CreateSnapshot = 1,
    ExportSnapshot = 2,
    DeleteSnapshot = 3,
}
