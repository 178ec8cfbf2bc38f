namespace HvFleet.Orchestrator.Store;

/// <summary>A store failure: its kind and the one line that names the cause and the file.</summary>
public sealed record OperationStoreFailure(OperationStoreProblem Problem, string Message);
