namespace HvFleet.Orchestrator.Operations;

/// <summary>A refused request: what is wrong, naming the field.</summary>
public sealed record FleetError(FleetErrorCode Code, string Message);
