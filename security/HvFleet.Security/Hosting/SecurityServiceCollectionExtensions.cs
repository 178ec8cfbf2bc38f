using Grpc.AspNetCore.Server;
using HvFleet.Security.Audit;
using HvFleet.Security.Authorization;
using HvFleet.Security.Limits;
using HvFleet.Security.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HvFleet.Security.Hosting;

/// <summary>Registers the fleet's security layer on an rpc server (agent or orchestrator).</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Adds roles, per-caller limits and the audit log as rpc interceptors, in this order:
    /// audit (outermost, so it sees denials), authorization, limits. Settings come from the
    /// "Security:Authorization", "Security:Limits" and "Security:Audit" sections;
    /// <paramref name="defaultAuditPath"/> is used when Security:Audit:Path is not set.
    /// <paramref name="insecureLoopback"/> = the server listens in plaintext TCP on loopback (an explicit opt-in,
    /// logged at Warning on start), where callers without a certificate are <see cref="CallerIdentity.LoopbackTcp"/>
    /// with <paramref name="insecureLoopbackRole"/>. Callers on a Unix socket are identified by their uid.
    /// </summary>
    public static IServiceCollection AddFleetSecurity(this IServiceCollection services, IConfiguration configuration, string defaultAuditPath, bool insecureLoopback,
        FleetRole insecureLoopbackRole = FleetRole.Viewer)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new MethodRoles());

        services.AddOptions<FleetAuthorizationOptions>()
            .Bind(configuration.GetSection(FleetAuthorizationOptions.SectionName))
            .Configure(o =>
            {
                o.InsecureLoopback = insecureLoopback;
                o.InsecureLoopbackRole = insecureLoopbackRole;
            });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, InsecureLoopbackWarning>());
        services.AddOptions<CallLimitOptions>().Bind(configuration.GetSection(CallLimitOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CallLimitOptions>, CallLimitOptionsValidator>());
        services.AddOptions<AuditLogOptions>()
            .Bind(configuration.GetSection(AuditLogOptions.SectionName))
            .PostConfigure(o => o.Path ??= defaultAuditPath)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditLogOptions>, AuditLogOptionsValidator>());

        services.TryAddSingleton<AuditLog>();
        services.TryAddSingleton<AuditInterceptor>();
        services.TryAddSingleton<RoleAuthorizationInterceptor>();
        services.TryAddSingleton<CallLimitInterceptor>();
        // In this order: the audit sees every outcome, including refusals by the two after it.
        services.Configure<GrpcServiceOptions>(grpc =>
        {
            grpc.Interceptors.Add<AuditInterceptor>();
            grpc.Interceptors.Add<RoleAuthorizationInterceptor>();
            grpc.Interceptors.Add<CallLimitInterceptor>();
        });
        return services;
    }

    /// <summary>
    /// Adds the server's mutual-TLS material (certificate, key and client CA, reloaded when the
    /// files change) as a <see cref="FleetServerTls"/> singleton; use it with
    /// <c>ListenGrpcTls(endPoint, https =&gt; services.GetRequiredService&lt;FleetServerTls&gt;().Configure(https))</c>.
    /// </summary>
    public static IServiceCollection AddFleetServerTls(this IServiceCollection services, string certificatePath, string keyPath, string clientCaPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new FleetServerTls(
            certificatePath, keyPath, clientCaPath, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
