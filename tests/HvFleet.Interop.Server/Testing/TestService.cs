using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using HvFleet.Rpc;
using HvFleet.Rpc.Client;
using HvFleet.Rpc.Server;

namespace HvFleet.Interop.Testing;

/// <summary>Bindings of <c>grpc.testing.TestService</c> (the grpc-dotnet generated shape, written by hand).</summary>
public static class TestService
{
    public const string ServiceName = "grpc.testing.TestService";

    public static readonly Method<Empty, Empty> EmptyCallMethod =
        new(MethodType.Unary, ServiceName, "EmptyCall", Empty.Parser, Empty.Parser);

    public static readonly Method<SimpleRequest, SimpleResponse> UnaryCallMethod =
        new(MethodType.Unary, ServiceName, "UnaryCall", SimpleRequest.Parser, SimpleResponse.Parser);

    public static readonly Method<SimpleRequest, SimpleResponse> CacheableUnaryCallMethod =
        new(MethodType.Unary, ServiceName, "CacheableUnaryCall", SimpleRequest.Parser, SimpleResponse.Parser);

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> StreamingOutputCallMethod =
        new(MethodType.ServerStreaming, ServiceName, "StreamingOutputCall", StreamingOutputCallRequest.Parser, StreamingOutputCallResponse.Parser);

    public static readonly Method<StreamingInputCallRequest, StreamingInputCallResponse> StreamingInputCallMethod =
        new(MethodType.ClientStreaming, ServiceName, "StreamingInputCall", StreamingInputCallRequest.Parser, StreamingInputCallResponse.Parser);

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> FullDuplexCallMethod =
        new(MethodType.DuplexStreaming, ServiceName, "FullDuplexCall", StreamingOutputCallRequest.Parser, StreamingOutputCallResponse.Parser);

    public static readonly Method<StreamingOutputCallRequest, StreamingOutputCallResponse> HalfDuplexCallMethod =
        new(MethodType.DuplexStreaming, ServiceName, "HalfDuplexCall", StreamingOutputCallRequest.Parser, StreamingOutputCallResponse.Parser);

    public static readonly Method<Empty, Empty> UnimplementedCallMethod =
        new(MethodType.Unary, ServiceName, "UnimplementedCall", Empty.Parser, Empty.Parser);

    public static ServiceDescriptor Descriptor => TestReflection.Descriptor.Services[0];

    public static void BindService(ServiceBinderBase binder, TestServiceBase service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        ArgumentNullException.ThrowIfNull(service);
        binder.AddServiceDescriptor(Descriptor);
        binder.AddMethod(EmptyCallMethod, service.EmptyCall);
        binder.AddMethod(UnaryCallMethod, service.UnaryCall);
        binder.AddMethod(CacheableUnaryCallMethod, service.CacheableUnaryCall);
        binder.AddMethod(StreamingOutputCallMethod, service.StreamingOutputCall);
        binder.AddMethod(StreamingInputCallMethod, service.StreamingInputCall);
        binder.AddMethod(FullDuplexCallMethod, service.FullDuplexCall);
        binder.AddMethod(HalfDuplexCallMethod, service.HalfDuplexCall);
        binder.AddMethod(UnimplementedCallMethod, service.UnimplementedCall);
    }

    [BindServiceMethod(typeof(TestService), nameof(BindService))]
    public abstract class TestServiceBase
    {
        public virtual Task<Empty> EmptyCall(Empty request, ServerCallContext context) => throw Unimplemented.Method();

        public virtual Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context) => throw Unimplemented.Method();

        public virtual Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context) => throw Unimplemented.Method();

        public virtual Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context) =>
            throw Unimplemented.Method();

        public virtual Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context) =>
            throw Unimplemented.Method();

        public virtual Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context) =>
            throw Unimplemented.Method();

        public virtual Task HalfDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context) =>
            throw Unimplemented.Method();

        public virtual Task<Empty> UnimplementedCall(Empty request, ServerCallContext context) => throw Unimplemented.Method();
    }

    public sealed class TestServiceClient : ClientBase
    {
        public TestServiceClient(GrpcChannel channel)
            : base(channel)
        {
        }

        public TestServiceClient(CallInvoker callInvoker)
            : base(callInvoker)
        {
        }

        public AsyncUnaryCall<Empty> EmptyCallAsync(Empty request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            EmptyCallAsync(request, Options(headers, deadline, cancellationToken));

        public AsyncUnaryCall<Empty> EmptyCallAsync(Empty request, CallOptions options) =>
            CallInvoker.AsyncUnaryCall(EmptyCallMethod, options, request);

        public AsyncUnaryCall<SimpleResponse> UnaryCallAsync(SimpleRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            UnaryCallAsync(request, Options(headers, deadline, cancellationToken));

        public AsyncUnaryCall<SimpleResponse> UnaryCallAsync(SimpleRequest request, CallOptions options) =>
            CallInvoker.AsyncUnaryCall(UnaryCallMethod, options, request);

        public AsyncUnaryCall<SimpleResponse> CacheableUnaryCallAsync(SimpleRequest request, CallOptions options) =>
            CallInvoker.AsyncUnaryCall(CacheableUnaryCallMethod, options, request);

        public AsyncServerStreamingCall<StreamingOutputCallResponse> StreamingOutputCall(StreamingOutputCallRequest request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            StreamingOutputCall(request, Options(headers, deadline, cancellationToken));

        public AsyncServerStreamingCall<StreamingOutputCallResponse> StreamingOutputCall(StreamingOutputCallRequest request, CallOptions options) =>
            CallInvoker.AsyncServerStreamingCall(StreamingOutputCallMethod, options, request);

        public AsyncClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> StreamingInputCall(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            StreamingInputCall(Options(headers, deadline, cancellationToken));

        public AsyncClientStreamingCall<StreamingInputCallRequest, StreamingInputCallResponse> StreamingInputCall(CallOptions options) =>
            CallInvoker.AsyncClientStreamingCall(StreamingInputCallMethod, options);

        public AsyncDuplexStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> FullDuplexCall(Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            FullDuplexCall(Options(headers, deadline, cancellationToken));

        public AsyncDuplexStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> FullDuplexCall(CallOptions options) =>
            CallInvoker.AsyncDuplexStreamingCall(FullDuplexCallMethod, options);

        public AsyncDuplexStreamingCall<StreamingOutputCallRequest, StreamingOutputCallResponse> HalfDuplexCall(CallOptions options) =>
            CallInvoker.AsyncDuplexStreamingCall(HalfDuplexCallMethod, options);

        public AsyncUnaryCall<Empty> UnimplementedCallAsync(Empty request, Metadata? headers = null, DateTime? deadline = null, CancellationToken cancellationToken = default) =>
            CallInvoker.AsyncUnaryCall(UnimplementedCallMethod, Options(headers, deadline, cancellationToken), request);
    }
}
