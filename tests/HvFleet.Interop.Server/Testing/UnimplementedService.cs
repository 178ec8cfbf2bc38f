using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using HvFleet.Rpc;
using HvFleet.Rpc.Client;
using HvFleet.Rpc.Server;

namespace HvFleet.Interop.Testing;

/// <summary>
/// Bindings of <c>grpc.testing.UnimplementedService</c>: a service no server implements. Binding
/// it publishes its descriptor (reflection lists it) but maps no method, so every call gets
/// UNIMPLEMENTED for an unknown service.
/// </summary>
public static class UnimplementedService
{
    public const string ServiceName = "grpc.testing.UnimplementedService";

    public static readonly Method<Empty, Empty> UnimplementedCallMethod =
        new(MethodType.Unary, ServiceName, "UnimplementedCall", Empty.Parser, Empty.Parser);

    public static ServiceDescriptor Descriptor => TestReflection.Descriptor.Services[1];

    public static void BindService(ServiceBinderBase binder, UnimplementedServiceBase service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(service);
        binder.AddServiceDescriptor(Descriptor);
    }

    [BindServiceMethod(typeof(UnimplementedService), nameof(BindService))]
    public abstract class UnimplementedServiceBase
    {
    }

    public sealed class UnimplementedServiceClient : ClientBase
    {
        public UnimplementedServiceClient(GrpcChannel channel)
            : base(channel)
        {
        }

        public UnimplementedServiceClient(CallInvoker callInvoker)
            : base(callInvoker)
        {
        }

        public AsyncUnaryCall<Empty> UnimplementedCallAsync(Empty request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            CallInvoker.AsyncUnaryCall(UnimplementedCallMethod, Options(headers, deadline, cancellationToken), request);
    }
}
