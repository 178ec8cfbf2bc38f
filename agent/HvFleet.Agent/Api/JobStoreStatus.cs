using HvFleet.Agent.Jobs;
using Grpc.Core;

namespace HvFleet.Agent.Api;

/// <summary>The gRPC status of a job store that cannot be used; the message names the cause and the file.</summary>
internal static class JobStoreStatus
{
    /// <summary>RESOURCE_EXHAUSTED when the store's volume is full (it recovers when space returns), else UNAVAILABLE.</summary>
    public static RpcException ToRpcException(JobStoreException problem) => new(new Status(
        problem.Problem == JobStoreProblem.NoSpace ? StatusCode.ResourceExhausted : StatusCode.Unavailable, problem.Message));
}
