using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Rpc.Server;

/// <summary>
/// Every service mapped onto the server. Registrations are collected while the app is configured
/// and frozen into a path lookup on the first call.
/// </summary>
public sealed class RpcServiceRegistry
{
    private readonly List<(Action<ServiceBinderBase> Bind, RpcServiceOptions Options)> _registrations = [];
    private readonly IOptions<RpcServerOptions> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lock _sync = new();
    private Frozen? _frozen;

    public RpcServiceRegistry(IOptions<RpcServerOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
    }

    internal bool MiddlewareAdded { get; set; }

    /// <summary>Adds a service, bound by <paramref name="bind"/>; returns its options for overrides.</summary>
    public RpcServiceOptions Add(Action<ServiceBinderBase> bind)
    {
        var options = new RpcServiceOptions();
        lock (_sync)
        {
            if (_frozen is not null)
            {
                throw new InvalidOperationException("Services must be mapped before the server handles its first call.");
            }

            _registrations.Add((bind, options));
        }

        return options;
    }

    /// <summary>Full names of the mapped services.</summary>
    public IReadOnlyCollection<string> ServiceNames => Freeze().Services;

    /// <summary>Protobuf descriptors of the mapped services (for reflection).</summary>
    public IReadOnlyList<ServiceDescriptor> ServiceDescriptors => Freeze().Descriptors;

    /// <summary>Every bound method.</summary>
    public IEnumerable<IMethod> Methods => Freeze().Handlers.Values.Select(h => h.Method);

    internal bool TryGetHandler(string path, out ServerMethodHandler handler) => Freeze().Handlers.TryGetValue(path, out handler!);

    internal bool IsKnownService(string serviceName) => Freeze().Services.Contains(serviceName);

    private Frozen Freeze()
    {
        var frozen = Volatile.Read(ref _frozen);
        if (frozen is not null)
        {
            return frozen;
        }

        lock (_sync)
        {
            if (_frozen is null)
            {
                var logger = _loggerFactory.CreateLogger("HvFleet.Rpc.Server");
                var binder = new Binder(_options.Value, logger);
                foreach (var (bind, options) in _registrations)
                {
                    binder.ServiceOptions = options;
                    bind(binder);
                }

                _frozen = new Frozen(
                    binder.Handlers.ToFrozenDictionary(StringComparer.Ordinal),
                    binder.Handlers.Values.Select(h => h.Method.ServiceName).ToFrozenSet(StringComparer.Ordinal),
                    binder.Descriptors);
            }

            return _frozen;
        }
    }

    private sealed record Frozen(FrozenDictionary<string, ServerMethodHandler> Handlers, FrozenSet<string> Services, List<ServiceDescriptor> Descriptors);

    private sealed class Binder(RpcServerOptions serverOptions, ILogger logger) : ServiceBinderBase
    {
        public Dictionary<string, ServerMethodHandler> Handlers { get; } = new(StringComparer.Ordinal);

        public List<ServiceDescriptor> Descriptors { get; } = [];

        public RpcServiceOptions? ServiceOptions { get; set; }

        public override void AddServiceDescriptor(ServiceDescriptor descriptor)
        {
            if (!Descriptors.Any(d => d.FullName == descriptor.FullName))
            {
                Descriptors.Add(descriptor);
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler) =>
            Add(method, new UnaryMethodHandler<TRequest, TResponse>(method, handler, Settings(), logger));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler) =>
            Add(method, new ClientStreamingMethodHandler<TRequest, TResponse>(method, handler, Settings(), logger));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler) =>
            Add(method, new ServerStreamingMethodHandler<TRequest, TResponse>(method, handler, Settings(), logger));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler) =>
            Add(method, new DuplexStreamingMethodHandler<TRequest, TResponse>(method, handler, Settings(), logger));

        private MethodSettings Settings() => new(serverOptions, ServiceOptions);

        private void Add(IMethod method, ServerMethodHandler handler)
        {
            if (!Handlers.TryAdd(method.FullName, handler))
            {
                throw new InvalidOperationException($"Method {method.FullName} is mapped twice.");
            }
        }
    }
}
