using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace HvFleet.Rpc.Server;

/// <summary>
/// Receives a service's methods and handlers from its static <c>BindService</c> method (the
/// grpc-dotnet shape, so a later move to Grpc.AspNetCore stays mechanical).
/// </summary>
public abstract class ServiceBinderBase
{
    /// <summary>The protobuf descriptor of the service being bound (used by reflection).</summary>
    public virtual void AddServiceDescriptor(ServiceDescriptor descriptor)
    {
    }

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;

    public abstract void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;
}
