using HvFleet.Agent.Jobs;
using Grpc.Core;

namespace HvFleet.Agent.Api;

/// <summary>The gRPC status of a job request that did not lead to a job (<see cref="JobStartResult"/>).</summary>
internal static class JobStartStatus
{
    public static RpcException ToRpcException(JobStartResult start) => start.Outcome switch
    {
        JobStartOutcome.InvalidRequest => Status(StatusCode.InvalidArgument, start.Message ?? "invalid request"),
        JobStartOutcome.RequestIdConflict => Status(StatusCode.InvalidArgument, "request_id: " + start.Message),
        JobStartOutcome.TargetNotFound => Status(StatusCode.NotFound, start.Message ?? "not found"),
        JobStartOutcome.TargetNotReady when start.HyperVCode is var (code, family) =>
            HypervisorStatus.Precondition(code, family, start.Message ?? "The target cannot be worked on now"),
        JobStartOutcome.TargetNotReady => Status(StatusCode.FailedPrecondition, start.Message ?? "The target cannot be worked on now"),
        JobStartOutcome.PathDenied => Status(StatusCode.PermissionDenied, start.Message ?? "export_directory: denied"),
        JobStartOutcome.NoExportSpace => Status(StatusCode.ResourceExhausted, start.Message ?? "export_directory: no space left"),
        JobStartOutcome.QueueFull => Status(StatusCode.ResourceExhausted, start.Message ?? "The host's job queue is full."),
        JobStartOutcome.StoreFull => Status(StatusCode.ResourceExhausted, start.Message ?? "job store: no space left on device"),
        JobStartOutcome.StoreFailed => Status(StatusCode.Unavailable, start.Message ?? "job store: cannot write"),
        _ => Status(StatusCode.Unavailable, start.Message ?? "The agent is not accepting jobs."),
    };

    private static RpcException Status(StatusCode code, string message) => new(new Grpc.Core.Status(code, message));
}
