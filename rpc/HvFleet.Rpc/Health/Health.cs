using Google.Protobuf.Reflection;
using HvFleet.Rpc;
using HvFleet.Rpc.Client;
using HvFleet.Rpc.Server;

namespace Grpc.Health.V1;

/// <summary>Bindings of <c>grpc.health.v1.Health</c> (the grpc-dotnet generated shape, written by hand).</summary>
public static class Health
{
    public const string ServiceName = "grpc.health.v1.Health";

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        new(MethodType.Unary, ServiceName, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        new(MethodType.ServerStreaming, ServiceName, "Watch", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    public static ServiceDescriptor Descriptor => HealthReflection.Descriptor.Services[0];

    public static void BindService(ServiceBinderBase binder, HealthBase service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(service);
        binder.AddServiceDescriptor(Descriptor);
        binder.AddMethod(CheckMethod, service.Check);
        binder.AddMethod(WatchMethod, service.Watch);
    }

    [BindServiceMethod(typeof(Health), nameof(BindService))]
    public abstract class HealthBase
    {
        public virtual Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
            throw Unimplemented.Method();

        public virtual Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context) =>
            throw Unimplemented.Method();
    }

    public sealed class HealthClient : ClientBase
    {
        public HealthClient(GrpcChannel channel)
            : base(channel)
        {
        }

        public HealthClient(CallInvoker callInvoker)
            : base(callInvoker)
        {
        }

        public AsyncUnaryCall<HealthCheckResponse> CheckAsync(HealthCheckRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            CheckAsync(request, Options(headers, deadline, cancellationToken));

        public AsyncUnaryCall<HealthCheckResponse> CheckAsync(HealthCheckRequest request, CallOptions options) =>
            CallInvoker.AsyncUnaryCall(CheckMethod, options, request);

        public AsyncServerStreamingCall<HealthCheckResponse> Watch(HealthCheckRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            Watch(request, Options(headers, deadline, cancellationToken));

        public AsyncServerStreamingCall<HealthCheckResponse> Watch(HealthCheckRequest request, CallOptions options) =>
            CallInvoker.AsyncServerStreamingCall(WatchMethod, options, request);
    }
}
