using System.Net;
using Grpc.HealthCheck;
using HvFleet.Security.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HvFleet.Orchestrator.Hosting;

/// <summary>
/// <c>hvfleet serve --health-listen</c>: a second Kestrel server, plaintext, that serves only grpc.health.v1.Health from
/// the orchestrator's own <see cref="FleetHealth"/>. Probes that speak no TLS (Kubernetes' grpc probes, Docker's
/// HEALTHCHECK) use it; it has no other service, so it tells nothing but SERVING/NOT_SERVING. It starts with the
/// orchestrator and stops with it.
/// </summary>
internal sealed class HealthListener(IPEndPoint endPoint, FleetHealth health, LogLevel logLevel) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>host:port it listens on once started (the real port when 0 was asked).</summary>
    public string? BoundAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(logLevel);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpcCleartext(endPoint));
        builder.Services.AddSingleton(health);
        builder.Services.AddSingleton(health.Service);
        // Signals belong to the orchestrator's host, which stops this listener last (after health turned NOT_SERVING).
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        builder.Services.AddGrpc()
            .AddServiceOptions<HealthServiceImpl>(o => o.MaxReceiveMessageSize = 64 * 1024);
        var app = builder.Build();
        app.MapGrpcService<HealthServiceImpl>();
        await app.StartAsync(cancellationToken);
        _app = app;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BoundAddress = new Uri(address).Authority;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
            _app = null;
        }
    }

    private sealed class SignalFreeLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
