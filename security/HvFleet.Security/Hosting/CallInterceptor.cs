using Grpc.Core;
using Grpc.Core.Interceptors;

namespace HvFleet.Security.Hosting;

/// <summary>
/// A grpc-dotnet server interceptor written once for all four call kinds: <see cref="InterceptAsync"/> sees the call's
/// context and kind and runs <c>continuation</c> (the handler, or the next interceptor) at most once. Checks that refuse a
/// call throw <see cref="RpcException"/> before running it; checks that observe the outcome wrap it.
/// </summary>
public abstract class CallInterceptor : Interceptor
{
    /// <summary>Runs around one call. <paramref name="kind"/> is how the method streams.</summary>
    protected abstract Task InterceptAsync(ServerCallContext context, MethodType kind, Func<Task> continuation);

    public sealed override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        TResponse? response = null;
        await InterceptAsync(context, MethodType.Unary, async () => response = await continuation(request, context).ConfigureAwait(false)).ConfigureAwait(false);
        return response ?? throw new InvalidOperationException($"{GetType().Name} did not run the handler of {context.Method}.");
    }

    public sealed override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        TResponse? response = null;
        await InterceptAsync(context, MethodType.ClientStreaming, async () => response = await continuation(requestStream, context).ConfigureAwait(false)).ConfigureAwait(false);
        return response ?? throw new InvalidOperationException($"{GetType().Name} did not run the handler of {context.Method}.");
    }

    public sealed override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return InterceptAsync(context, MethodType.ServerStreaming, () => continuation(request, responseStream, context));
    }

    public sealed override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return InterceptAsync(context, MethodType.DuplexStreaming, () => continuation(requestStream, responseStream, context));
    }
}
