using Google.Protobuf.Reflection;
using HvFleet.Rpc;
using HvFleet.Rpc.Client;
using HvFleet.Rpc.Server;

namespace Grpc.Reflection.V1;

/// <summary>Bindings of <c>grpc.reflection.v1.ServerReflection</c> (hand-written, grpc-dotnet shape).</summary>
public static class ServerReflection
{
    public const string ServiceName = "grpc.reflection.v1.ServerReflection";

    public static readonly Method<ServerReflectionRequest, ServerReflectionResponse> ServerReflectionInfoMethod =
        new(MethodType.DuplexStreaming, ServiceName, "ServerReflectionInfo", ServerReflectionRequest.Parser, ServerReflectionResponse.Parser);

    public static ServiceDescriptor Descriptor => ReflectionReflection.Descriptor.Services[0];

    public static void BindService(ServiceBinderBase binder, ServerReflectionBase service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(service);
        binder.AddServiceDescriptor(Descriptor);
        binder.AddMethod(ServerReflectionInfoMethod, service.ServerReflectionInfo);
    }

    [BindServiceMethod(typeof(ServerReflection), nameof(BindService))]
    public abstract class ServerReflectionBase
    {
        public virtual Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream, IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context) =>
            throw Unimplemented.Method();
    }

    public sealed class ServerReflectionClient : ClientBase
    {
        public ServerReflectionClient(GrpcChannel channel)
            : base(channel)
        {
        }

        public ServerReflectionClient(CallInvoker callInvoker)
            : base(callInvoker)
        {
        }

        public AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> ServerReflectionInfo(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            ServerReflectionInfo(Options(headers, deadline, cancellationToken));

        public AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> ServerReflectionInfo(CallOptions options) =>
            CallInvoker.AsyncDuplexStreamingCall(ServerReflectionInfoMethod, options);
    }
}
