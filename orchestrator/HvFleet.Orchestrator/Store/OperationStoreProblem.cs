namespace HvFleet.Orchestrator.Store;

/// <summary>Why the operation store cannot be used.</summary>
public enum OperationStoreProblem
{
    /// <summary>The volume is full (SQLITE_FULL): recovers when space returns.</summary>
    NoSpace = 1,

    /// <summary>The file is not a database or is corrupt: needs an operator.</summary>
    Damaged = 2,

    /// <summary>Read-only, unopenable or failing I/O.</summary>
    Unwritable = 3,
}
