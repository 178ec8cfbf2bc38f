using System.Net;
using System.Security.Cryptography.X509Certificates;
using HvFleet.Agent.Api;
using HvFleet.Agent.Jobs;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Builds the agent's host from flags and configuration (Program.cs and tests share it).</summary>
internal static class AgentHost
{
    /// <summary>
    /// Builds the agent. Throws <see cref="OptionsValidationException"/> listing every problem
    /// when the settings are refused (e.g. plaintext off loopback).
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

        var endPoint = ListenAddress.TryParse(options.Listen, out var listen, out var listenError)
            ? ToEndPoint(listen)
            : throw new OptionsValidationException(AgentOptions.SectionName, typeof(AgentOptions), [listenError]);
        Directory.CreateDirectory(options.DataDirectory!);
        foreach (var root in options.ExportRoots)
        {
            Directory.CreateDirectory(root);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Insecure)
            {
                kestrel.ListenRpcCleartext(endPoint);
            }
            else
            {
                kestrel.ListenRpcTls(endPoint, https => ConfigureTls(https, options));
            }
        });

        var services = builder.Services;
        services.AddAgentOptions(builder.Configuration, environment, commandLine);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentRuntimeInfo>();
        services.AddRpcServer();
        if (options.Backend == AgentBackend.HyperV && OperatingSystem.IsWindows())
        {
            services.AddOptions<HvFleet.Hypervisors.HyperV.HyperVOptions>().Bind(builder.Configuration.GetSection(HvFleet.Hypervisors.HyperV.HyperVOptions.SectionName));
            services.AddHyperVHypervisor();
        }
        else
        {
            services.AddOptions<HvFleet.Hypervisors.Lab.LabHypervisorOptions>().Bind(builder.Configuration.GetSection(HvFleet.Hypervisors.Lab.LabHypervisorOptions.SectionName));
            services.AddLabHypervisor(lab => lab.Directory = options.LabDirectory!);
        }

        services.AddSqliteJobStore(builder.Configuration);
        services.AddJobEngine(builder.Configuration);
        services.AddHostedService<AgentLifecycleService>();
        services.AddSingleton<HostAgentService>();
        configureServices?.Invoke(services);

        var app = builder.Build();
        app.MapRpcService<HostAgentService>();
        app.MapRpcHealthService();
        app.MapRpcReflectionService();
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

    private static void ConfigureTls(HttpsConnectionAdapterOptions https, AgentOptions options)
    {
        var certificate = X509Certificate2.CreateFromPemFile(options.TlsCertificate!, options.TlsKey!);
        var authority = X509CertificateLoader.LoadCertificateFromFile(options.ClientCa!);
        https.ServerCertificate = certificate;
        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        https.ClientCertificateValidation = (clientCertificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(clientCertificate);
        };
    }
}
