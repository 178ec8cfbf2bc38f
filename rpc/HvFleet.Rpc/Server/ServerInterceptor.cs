namespace HvFleet.Rpc.Server;

/// <summary>
/// Runs around every call (authentication, authorization, logging, metrics). Throw an
/// <see cref="RpcException"/> to end the call before the handler runs; observe the outcome by
/// awaiting the continuation.
/// </summary>
public abstract class ServerInterceptor
{
    public abstract Task InterceptAsync(ServerCallContext context, Func<Task> continuation);
}
