namespace HvFleet.Orchestrator.Operations;

/// <summary>Why a task did not succeed.</summary>
/// <param name="HyperVCode">The Hyper-V code from the agent's job, unchanged (0 when none).</param>
/// <param name="Summary">Short meaning, e.g. "Invalid state" or "agent unreachable".</param>
/// <param name="Description">Full detail.</param>
/// <param name="GrpcStatus">The gRPC-like status when the failure was an RPC error (0 when none).</param>
public sealed record TaskError(uint HyperVCode, string Summary, string Description, int GrpcStatus);
