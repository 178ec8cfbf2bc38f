namespace HvFleet.Orchestrator.Operations;

/// <summary>What a fleet operation does on each target.</summary>
public enum OperationKind
{
    Snapshot = 1,
    Export = 2,
}
