using Google.Protobuf;
using HvFleet.Rpc.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HvFleet.Rpc.Server;

/// <summary>Serves one method: creates the call context, runs interceptors and the handler, ends the call.</summary>
internal abstract class ServerMethodHandler(IMethod method, MethodSettings settings, ILogger logger)
{
    public IMethod Method { get; } = method;

    protected MethodSettings Settings { get; } = settings;

    public async Task HandleCallAsync(HttpContext http)
    {
        var context = new HttpServerCallContext(http, Method, Settings, logger);
        try
        {
            if (!context.Initialize())
            {
                return;
            }

            if (Settings.Interceptors.Length == 0)
            {
                await RunAsync(context);
            }
            else
            {
                await RunInterceptedAsync(context, 0);
            }

            context.EndCall(context.Status, null);
        }
        catch (Exception ex)
        {
            context.EndCallWithException(ex);
        }
        finally
        {
            context.Dispose();
        }
    }

    private Task RunInterceptedAsync(HttpServerCallContext context, int index) =>
        index == Settings.Interceptors.Length
            ? RunAsync(context)
            : Settings.Interceptors[index].InterceptAsync(context, () => RunInterceptedAsync(context, index + 1));

    /// <summary>Reads the request(s), calls the handler and writes the response(s).</summary>
    protected abstract Task RunAsync(HttpServerCallContext context);

    protected static async Task<TRequest> ReadSingleRequestAsync<TRequest>(HttpServerCallContext context, MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest>
    {
        var reader = context.HttpContext.Request.BodyReader;
        var request = await MessageFraming.ReadMessageAsync(reader, parser, context.MaxReceiveMessageSize, context.RequestDecompressor, context.CancellationToken)
            ?? throw new RpcException(StatusCode.Unimplemented, "Cardinality violation: expected one request message, got none.");

        // Unary requests carry exactly one message (doc/statuscodes.md: cardinality violation).
        var extra = await MessageFraming.ReadMessageAsync(reader, parser, context.MaxReceiveMessageSize, context.RequestDecompressor, context.CancellationToken);
        if (extra is not null)
        {
            throw new RpcException(StatusCode.Unimplemented, "Cardinality violation: expected one request message, got more.");
        }

        return request;
    }

    protected static void WriteSingleResponse<TResponse>(HttpServerCallContext context, TResponse? response)
        where TResponse : class, IMessage<TResponse>
    {
        if (response is null)
        {
            throw new RpcException(StatusCode.Internal, "The handler returned no response message.");
        }

        // Unary: write without flushing; Kestrel sends DATA and trailers together when the call ends.
        context.BeginWrite();
        try
        {
            context.WriteMessage(response, null);
        }
        finally
        {
            context.EndWrite();
        }
    }
}

internal sealed class UnaryMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler, MethodSettings settings, ILogger logger)
    : ServerMethodHandler(method, settings, logger)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task RunAsync(HttpServerCallContext context)
    {
        var request = await ReadSingleRequestAsync(context, method.RequestParser);
        var response = await handler(request, context);
        if (context.Status.StatusCode == StatusCode.OK)
        {
            WriteSingleResponse(context, response);
        }
    }
}

internal sealed class ServerStreamingMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler, MethodSettings settings, ILogger logger)
    : ServerMethodHandler(method, settings, logger)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task RunAsync(HttpServerCallContext context)
    {
        var request = await ReadSingleRequestAsync(context, method.RequestParser);
        await handler(request, new HttpServerStreamWriter<TResponse>(context), context);
    }
}

internal sealed class ClientStreamingMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler, MethodSettings settings, ILogger logger)
    : ServerMethodHandler(method, settings, logger)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task RunAsync(HttpServerCallContext context)
    {
        var response = await handler(new HttpStreamReader<TRequest>(context, method.RequestParser), context);
        if (context.Status.StatusCode == StatusCode.OK)
        {
            WriteSingleResponse(context, response);
        }
    }
}

internal sealed class DuplexStreamingMethodHandler<TRequest, TResponse>(
    Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler, MethodSettings settings, ILogger logger)
    : ServerMethodHandler(method, settings, logger)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override Task RunAsync(HttpServerCallContext context) =>
        handler(new HttpStreamReader<TRequest>(context, method.RequestParser), new HttpServerStreamWriter<TResponse>(context), context);
}
