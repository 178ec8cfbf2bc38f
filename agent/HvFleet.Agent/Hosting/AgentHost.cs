using System.Security.Cryptography.X509Certificates;
using HvFleet.Agent.Api;
using HvFleet.Agent.Jobs;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Builds the agent's host from flags and configuration (Program.cs and tests share it).</summary>
public static class AgentHost
{
    /// <summary>
    /// Builds the agent. Throws <see cref="OptionsValidationException"/> listing every problem
    /// when the settings are refused (e.g. plaintext off loopback).
    /// </summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddEnvironmentVariables("HVFLEET_AGENT_");
        builder.Configuration.AddInMemoryCollection(settings);

        var options = builder.Configuration.GetSection(AgentOptions.SectionName).Get<AgentOptions>() ?? new AgentOptions();
        var validation = new AgentOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(AgentOptions.SectionName, typeof(AgentOptions), validation.Failures);
        }

        if (!ListenAddress.TryParse(options.Listen, out var listen, out var listenError))
        {
            throw new OptionsValidationException(AgentOptions.SectionName, typeof(AgentOptions), [listenError!]);
        }

        var dataDirectory = options.EffectiveDataDirectory;
        Directory.CreateDirectory(dataDirectory);
        foreach (var root in options.EffectiveExportRoots)
        {
            Directory.CreateDirectory(root);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Insecure)
            {
                kestrel.ListenRpcCleartext(listen!.EndPoint);
            }
            else
            {
                kestrel.ListenRpcTls(listen!.EndPoint, https => ConfigureTls(https, options));
            }
        });

        var services = builder.Services;
        services.AddOptions<AgentOptions>().Bind(builder.Configuration.GetSection(AgentOptions.SectionName));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentRuntimeInfo>();
        services.AddRpcServer();
        if (options.EffectiveBackend == "hyperv" && OperatingSystem.IsWindows())
        {
            services.AddOptions<HvFleet.Hypervisors.HyperV.HyperVOptions>().Bind(builder.Configuration.GetSection(HvFleet.Hypervisors.HyperV.HyperVOptions.SectionName));
            services.AddHyperVHypervisor();
        }
        else
        {
            services.AddOptions<HvFleet.Hypervisors.Lab.LabHypervisorOptions>().Bind(builder.Configuration.GetSection(HvFleet.Hypervisors.Lab.LabHypervisorOptions.SectionName));
            services.AddLabHypervisor(lab => lab.Directory = options.EffectiveLabDirectory);
        }

        services.AddSqliteJobStore(builder.Configuration);
        services.Configure<SqliteJobStoreOptions>(store => store.DataDirectory = dataDirectory);
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
