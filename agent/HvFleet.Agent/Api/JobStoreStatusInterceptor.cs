using HvFleet.Agent.Jobs;
using Grpc.Core;
using HvFleet.Security.Hosting;

namespace HvFleet.Agent.Api;

/// <summary>
/// Any HostAgent call that meets a job store it cannot use (full, damaged, read-only) ends with a
/// status naming the cause and the file, instead of UNKNOWN "Exception was thrown by handler".
/// </summary>
internal sealed class JobStoreStatusInterceptor : CallInterceptor
{
    protected override async Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation();
        }
        catch (JobStoreException ex)
        {
            throw JobStoreStatus.ToRpcException(ex);
        }
    }
}
