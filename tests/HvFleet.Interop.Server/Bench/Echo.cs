using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using HvFleet.Rpc;
using HvFleet.Rpc.Client;
using HvFleet.Rpc.Server;

namespace HvFleet.Interop.Bench;

/// <summary>Bindings of <c>bench.v1.Echo</c> (the grpc-dotnet generated shape, written by hand).</summary>
public static class Echo
{
    public const string ServiceName = "bench.v1.Echo";

    public static readonly Method<EchoRequest, EchoReply> UnaryMethod =
        new(MethodType.Unary, ServiceName, "Unary", EchoRequest.Parser, EchoReply.Parser);

    public static readonly Method<EchoStreamRequest, EchoReply> StreamMethod =
        new(MethodType.ServerStreaming, ServiceName, "Stream", EchoStreamRequest.Parser, EchoReply.Parser);

    public static ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services[0];

    public static void BindService(ServiceBinderBase binder, EchoBase service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(service);
        binder.AddServiceDescriptor(Descriptor);
        binder.AddMethod(UnaryMethod, service.Unary);
        binder.AddMethod(StreamMethod, service.Stream);
    }

    [BindServiceMethod(typeof(Echo), nameof(BindService))]
    public abstract class EchoBase
    {
        public virtual Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) => throw Unimplemented.Method();

        public virtual Task Stream(EchoStreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context) =>
            throw Unimplemented.Method();
    }

    public sealed class EchoClient : ClientBase
    {
        public EchoClient(GrpcChannel channel)
            : base(channel)
        {
        }

        public EchoClient(CallInvoker callInvoker)
            : base(callInvoker)
        {
        }

        public AsyncUnaryCall<EchoReply> UnaryAsync(EchoRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            CallInvoker.AsyncUnaryCall(UnaryMethod, Options(headers, deadline, cancellationToken), request);

        public AsyncServerStreamingCall<EchoReply> Stream(EchoStreamRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            CallInvoker.AsyncServerStreamingCall(StreamMethod, Options(headers, deadline, cancellationToken), request);
    }
}
