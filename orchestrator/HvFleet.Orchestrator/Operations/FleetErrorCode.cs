namespace HvFleet.Orchestrator.Operations;

/// <summary>Why a request to the engine was refused (mapped to gRPC statuses at the RPC edge).</summary>
public enum FleetErrorCode
{
    InvalidArgument = 1,
    NotFound = 2,
    FailedPrecondition = 3,
}
