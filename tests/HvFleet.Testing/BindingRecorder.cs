using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace HvFleet.Testing;

/// <summary>A service binder that records what a generated <c>BindService</c> binds, to compare with what the .proto
/// declares (<see cref="Declared"/>): path, call kind, request and response message names.</summary>
public sealed class BindingRecorder : ServiceBinderBase
{
    public List<string> Descriptors { get; } = [];

    public List<(string Path, MethodType Kind, string Request, string Response)> Methods { get; } = [];

    /// <summary>What <paramref name="service"/> declares, in the shape of <see cref="Methods"/>, ordered.</summary>
    public static IReadOnlyList<(string Path, MethodType Kind, string Request, string Response)> Declared(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.Methods
            .Select(m => ($"/{service.FullName}/{m.Name}", Kind(m), m.InputType.FullName, m.OutputType.FullName))
            .Order()
            .ToList();
    }

    /// <summary>What was bound, ordered like <see cref="Declared"/>.</summary>
    public IReadOnlyList<(string Path, MethodType Kind, string Request, string Response)> Bound() => Methods.Order().ToList();

    public override void AddServiceDescriptor(ServiceDescriptor descriptor) => Descriptors.Add(descriptor.FullName);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler) => Record(method);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler) => Record(method);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler) => Record(method);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler) => Record(method);

    private static MethodType Kind(MethodDescriptor method) => (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => MethodType.Unary,
        (true, false) => MethodType.ClientStreaming,
        (false, true) => MethodType.ServerStreaming,
        _ => MethodType.DuplexStreaming,
    };

    private void Record<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Methods.Add((method.FullName, method.Type, method.RequestParser.ParseFrom(ByteString.Empty).Descriptor.FullName,
            method.ResponseParser.ParseFrom(ByteString.Empty).Descriptor.FullName));
}
