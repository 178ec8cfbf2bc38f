using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using HvFleet.Rpc.Health;
using HvFleet.Rpc.Reflection;
using HvFleet.Rpc.Server;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps rpc services onto the application (grpc-dotnet's <c>MapGrpcService</c> shape).</summary>
public static class RpcApplicationBuilderExtensions
{
    /// <summary>
    /// Maps a service implementation. <typeparamref name="TService"/> derives from a service base
    /// class carrying <see cref="BindServiceMethodAttribute"/>; it is resolved from DI once
    /// (or created with its dependencies injected) and shared by all calls.
    /// </summary>
    public static RpcServiceOptions MapRpcService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(this IApplicationBuilder app)
        where TService : class
    {
        var bindMethod = FindBindMethod(typeof(TService));
        return app.MapRpcService(binder =>
        {
            var service = app.ApplicationServices.GetService<TService>() ?? ActivatorUtilities.CreateInstance<TService>(app.ApplicationServices);
            bindMethod.Invoke(null, [binder, service]);
        });
    }

    /// <summary>Maps a service bound by hand.</summary>
    public static RpcServiceOptions MapRpcService(this IApplicationBuilder app, Action<ServiceBinderBase> bind)
    {
        var registry = app.ApplicationServices.GetService<RpcServiceRegistry>()
            ?? throw new InvalidOperationException("Call services.AddRpcServer() before mapping rpc services.");
        if (!registry.MiddlewareAdded)
        {
            registry.MiddlewareAdded = true;
            app.UseMiddleware<RpcDispatchMiddleware>();
        }

        return registry.Add(bind);
    }

    /// <summary>Maps grpc.health.v1.Health, backed by the <see cref="HealthStatusManager"/> singleton.</summary>
    public static RpcServiceOptions MapRpcHealthService(this IApplicationBuilder app) => app.MapRpcService<HealthService>();

    /// <summary>Maps server reflection, v1 and v1alpha, over every mapped service.</summary>
    public static IApplicationBuilder MapRpcReflectionService(this IApplicationBuilder app)
    {
        app.MapRpcService<ReflectionService>();
        app.MapRpcService(binder =>
        {
            var service = ActivatorUtilities.CreateInstance<ReflectionService>(app.ApplicationServices);
            binder.AddServiceDescriptor(Grpc.Reflection.V1Alpha.ServerReflection.Descriptor);
            binder.AddMethod(ReflectionService.V1AlphaMethod, service.ServerReflectionInfo);
        });
        return app;
    }

    private static MethodInfo FindBindMethod(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            var attribute = type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false);
            if (attribute is null)
            {
                continue;
            }

            return attribute.BindType.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name == attribute.BindMethodName && m.GetParameters() is [var p0, var p1] &&
                    p0.ParameterType == typeof(ServiceBinderBase) && p1.ParameterType.IsAssignableFrom(serviceType))
                ?? throw new InvalidOperationException($"{attribute.BindType}.{attribute.BindMethodName}(ServiceBinderBase, {type.Name}) was not found.");
        }

        throw new InvalidOperationException($"{serviceType} does not derive from a service base class with [BindServiceMethod].");
    }
}
