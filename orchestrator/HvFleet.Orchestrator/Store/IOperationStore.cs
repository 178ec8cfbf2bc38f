using HvFleet.Orchestrator.Operations;

namespace HvFleet.Orchestrator.Store;

/// <summary>Durable operations and tasks. Every method is atomic on its own. Implementations: SQLite (embedded,
/// one orchestrator) and PostgreSQL (several orchestrators: the lease methods decide which one runs an operation).</summary>
public interface IOperationStore
{
    /// <summary>Creates or migrates the schema. Called once before use.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Inserts the operation with its tasks. When another operation already has the same non-empty
    /// <see cref="FleetOperation.RequestId"/>, nothing is written and that operation is returned with Created = false.</summary>
    Task<OperationCreateResult> CreateAsync(FleetOperation operation, CancellationToken cancellationToken);

    /// <summary>The operation with its tasks in plan order, or null.</summary>
    Task<FleetOperation?> GetAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>Newest first, with tasks.</summary>
    Task<IReadOnlyList<FleetOperation>> ListAsync(OperationQuery query, CancellationToken cancellationToken);

    /// <summary>Writes the operation's own fields (state, timestamps, message, planned flag); tasks are untouched. A
    /// stored Cancelling is never turned back into Pending or Running: a cancel requested through another orchestrator
    /// (<see cref="RequestCancelAsync"/>) survives the runner's own writes until the runner has seen it.</summary>
    Task UpdateOperationAsync(FleetOperation operation, CancellationToken cancellationToken);

    /// <summary>Marks a Pending or Running operation Cancelling, in one statement (nothing else of the operation is
    /// written); the orchestrator that runs it polls for this (<see cref="GetStateAsync"/>) and stops it. Returns the
    /// operation as stored afterwards (unchanged when it had already ended), or null when it is unknown.</summary>
    Task<FleetOperation?> RequestCancelAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>The operation's stored state alone (a cheap read for polls), or null when it is unknown.</summary>
    Task<OperationState?> GetStateAsync(string operationId, CancellationToken cancellationToken);

    /// <summary>Stores the planned tasks and marks the operation planned, in one transaction.</summary>
    Task SavePlanAsync(string operationId, IReadOnlyList<FleetTask> tasks, CancellationToken cancellationToken);

    /// <summary>Replaces one task's state (matched by operation and task id).</summary>
    Task UpdateTaskAsync(string operationId, FleetTask task, CancellationToken cancellationToken);

    /// <summary>Claims (or renews) the right to run an operation until <paramref name="until"/>. True when
    /// <paramref name="owner"/> holds it: free, expired, or already its own.</summary>
    Task<bool> TryAcquireLeaseAsync(string operationId, string owner, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives the lease up (when the operation ends or the orchestrator stops).</summary>
    Task ReleaseLeaseAsync(string operationId, string owner, CancellationToken cancellationToken);

    /// <summary>Frees every lease whose owner <paramref name="isGone"/> says no longer runs (a crashed orchestrator), so
    /// its operations can be resumed before the leases expire. Returns how many operations were freed.</summary>
    Task<int> ReleaseLeasesOfGoneOwnersAsync(Func<string, bool> isGone, CancellationToken cancellationToken);
}
