using System.Net;
using Grpc.HealthCheck;
using HvFleet.Agent.Api;
using HvFleet.Agent.Jobs;
using HvFleet.Security.Hosting;
using HvFleet.Security.Tls;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Builds the agent's host from flags and configuration (Program.cs and tests share it).</summary>
internal static class AgentHost
{
    /// <summary>
    /// Builds the agent. Throws <see cref="OptionsValidationException"/> listing every problem
    /// when the settings are refused (e.g. plaintext off loopback, or --insecure without the loopback TCP opt-in).
    /// </summary>
    public static WebApplication Build(
        IReadOnlyDictionary<string, string?> settings,
        AgentSettingsOverrides? commandLine = null,
        AgentSettingsOverrides? environment = null,
        Action<IServiceCollection>? configureServices = null)
    {
        commandLine ??= AgentSettingsOverrides.None;
        environment ??= AgentSettingsOverrides.None;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables(AgentEnvironment.Prefix);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(commandLine.Configuration);

        // ASP.NET Core's per-request hosting logs and scopes: half of what a gRPC call allocates, and nothing an operator
        // reads (the audit log records every mutating call and refusal). bench/results-2026-12-04.txt has the figures.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // Resolved here as well as through DI: Kestrel's endpoint and the backend depend on them,
        // and every problem should be reported before anything starts.
        var options = new AgentOptions();
        builder.Configuration.GetSection(AgentOptions.SectionName).Bind(options);
        environment.ApplyTo(options);
        commandLine.ApplyTo(options);
        new AgentOptionsDefaults().PostConfigure(null, options);
        var validation = new AgentOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(AgentOptions.SectionName, typeof(AgentOptions), validation.Failures);
        }

        var listen = ListenAddress.TryParse(options.Listen, out var parsed, out var listenError)
            ? parsed
            : throw new OptionsValidationException(AgentOptions.SectionName, typeof(AgentOptions), [listenError]);
        bool loopbackTcp = !listen.IsUnixSocket && options.InsecureLoopbackTcp;
        Directory.CreateDirectory(options.DataDirectory!);
        foreach (var root in options.ExportRoots)
        {
            Directory.CreateDirectory(root);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (listen.IsUnixSocket)
            {
                // Plaintext for the local owner: owner-only socket file, each caller's uid checked and audited.
                kestrel.ListenGrpcUnixSocket(listen.UnixSocketPath);
            }
            else if (loopbackTcp)
            {
                kestrel.ListenGrpcCleartext(ToEndPoint(listen));
            }
            else
            {
                // Certificate, key and client CA reload when their files change; clients must chain to the fleet CA.
                kestrel.ListenGrpcTls(ToEndPoint(listen), https => kestrel.ApplicationServices.GetRequiredService<FleetServerTls>().Configure(https));
            }
        });

        var services = builder.Services;
        services.AddAgentOptions(builder.Configuration, environment, commandLine);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentRuntimeInfo>();
        services.AddFleetGrpc()
            .WithReceiveLimit<HostAgentService>(limits => limits.MaxReceiveMessageBytes)
            .AddServiceOptions<HostAgentService>(o => o.Interceptors.Add<JobStoreStatusInterceptor>());
        services.AddFleetSecurity(builder.Configuration, Path.Combine(options.DataDirectory!, "audit.log"), insecureLoopback: loopbackTcp, options.InsecureLoopbackRole);
        if (!listen.IsUnixSocket && !loopbackTcp)
        {
            services.AddFleetServerTls(options.TlsCertificate!, options.TlsKey!, options.ClientCa!);
        }
        if (options.Backend == AgentBackend.HyperV && OperatingSystem.IsWindows())
        {
            services.AddOptions<HvFleet.Hypervisors.HyperV.HyperVOptions>().Bind(builder.Configuration.GetSection(HvFleet.Hypervisors.HyperV.HyperVOptions.SectionName));
            services.AddHyperVHypervisor();
        }
        else
        {
            services.AddOptions<HvFleet.Hypervisors.Lab.LabHypervisorOptions>().Bind(builder.Configuration.GetSection(HvFleet.Hypervisors.Lab.LabHypervisorOptions.SectionName));
            services.AddLabHypervisor(lab => lab.Directory = options.LabDirectory!);
            services.AddHostedService<LabStartupService>();
        }

        services.AddSqliteJobStore(builder.Configuration);
        services.AddJobEngine(builder.Configuration);
        services.AddHostedService<AgentLifecycleService>();
        services.AddSingleton<HostAgentService>();
        services.AddSingleton<JobStoreStatusInterceptor>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.MapGrpcService<HostAgentService>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        return app;
    }

    private static IPEndPoint ToEndPoint(ListenAddress listen)
    {
        if (IPAddress.TryParse(listen.Host, out var address))
        {
            return new IPEndPoint(address, listen.Port);
        }

        if (string.Equals(listen.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, listen.Port);
        }

        // A host name: serve on the address it resolves to (first one).
        return new IPEndPoint(Dns.GetHostAddresses(listen.Host)[0], listen.Port);
    }
}
