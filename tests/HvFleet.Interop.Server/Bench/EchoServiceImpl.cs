using Google.Protobuf;
using Grpc.Core;

namespace HvFleet.Interop.Bench;

/// <summary>bench.v1.Echo: replies of the requested size, the shape every benchmarked server serves.</summary>
public sealed class EchoServiceImpl : Echo.EchoBase
{
    private const int MaxResponseSize = 4 * 1024 * 1024;

    public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(request.ResponseSize));

    public override async Task Stream(EchoStreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        if (request.Count < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"count must not be negative, got {request.Count}."));
        }

        var reply = Reply(request.ResponseSize);
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(reply, context.CancellationToken);
        }
    }

    private static EchoReply Reply(int size)
    {
        if (size is < 0 or > MaxResponseSize)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"response_size must be between 0 and {MaxResponseSize}, got {size}."));
        }

        // Built per call, as the C++ and grpcio servers of the benchmark do.
        return new EchoReply { Payload = size == 0 ? ByteString.Empty : ByteString.CopyFrom(new byte[size]) };
    }
}
