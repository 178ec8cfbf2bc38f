using HvFleet.Agent.Jobs;
using HvFleet.Rpc.Server;

namespace HvFleet.Agent.Api;

/// <summary>
/// Any HostAgent call that meets a job store it cannot use (full, damaged, read-only) ends with a
/// status naming the cause and the file, instead of UNKNOWN "Exception was thrown by handler".
/// </summary>
internal sealed class JobStoreStatusInterceptor : ServerInterceptor
{
    public override async Task InterceptAsync(ServerCallContext context, Func<Task> continuation)
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
