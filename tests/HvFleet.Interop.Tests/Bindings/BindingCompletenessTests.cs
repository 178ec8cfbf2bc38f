using Google.Protobuf;
using Google.Protobuf.Reflection;
using HvFleet.Interop.Bench;
using HvFleet.Interop.Testing;
using HvFleet.Rpc;
using HvFleet.Rpc.Server;

namespace HvFleet.Interop.Tests.Bindings;

/// <summary>Every RPC the interop protos declare is bound, with its kind and message types.</summary>
public sealed class BindingCompletenessTests
{
    public static TheoryData<string> Services => new(TestService.ServiceName, UnimplementedService.ServiceName, Echo.ServiceName);

    [Theory]
    [MemberData(nameof(Services))]
    public void BindService_EveryDeclaredRpc_IsBoundWithItsKindAndTypes(string serviceName)
    {
        var binder = new RecordingBinder();
        ServiceDescriptor descriptor;
        switch (serviceName)
        {
            case TestService.ServiceName:
                TestService.BindService(binder, new TestServiceImpl(TimeProvider.System));
                descriptor = TestService.Descriptor;
                break;
            case UnimplementedService.ServiceName:
                UnimplementedService.BindService(binder, new UnimplementedServiceImpl());
                descriptor = UnimplementedService.Descriptor;
                break;
            default:
                Echo.BindService(binder, new EchoServiceImpl());
                descriptor = Echo.Descriptor;
                break;
        }

        Assert.Equal(serviceName, descriptor.FullName);
        Assert.Equal([descriptor.FullName], binder.Descriptors);
        var expected = descriptor.Methods
            .Select(m => ($"/{serviceName}/{m.Name}", Kind(m), m.InputType.FullName, m.OutputType.FullName))
            .Order();
        Assert.Equal(expected, binder.Methods.Order());
    }

    private static MethodType Kind(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (true, false) => MethodType.ClientStreaming,
        (false, true) => MethodType.ServerStreaming,
        _ => MethodType.DuplexStreaming,
    };

    private sealed class RecordingBinder : ServiceBinderBase
    {
        public List<string> Descriptors { get; } = [];

        public List<(string Path, MethodType Kind, string Request, string Response)> Methods { get; } = [];

        public override void AddServiceDescriptor(ServiceDescriptor descriptor) => Descriptors.Add(descriptor.FullName);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler) => Record(method);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler) => Record(method);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler) => Record(method);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler) => Record(method);

        private void Record<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class, IMessage<TRequest>
            where TResponse : class, IMessage<TResponse> =>
            Methods.Add((method.FullName, method.Type, method.RequestParser.ParseFrom(ByteString.Empty).Descriptor.FullName,
                method.ResponseParser.ParseFrom(ByteString.Empty).Descriptor.FullName));
    }
}
