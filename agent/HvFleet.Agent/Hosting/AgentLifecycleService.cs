using Grpc.Health.V1;
using HvFleet.Agent.Jobs;
using HvFleet.Protos.Agent.V1;
using HvFleet.Security.Hosting;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// Health follows the agent's life: NOT_SERVING while starting (job recovery), SERVING once every
/// hosted service has started, NOT_SERVING again as soon as a stop begins; the stop then drains
/// jobs before the server stops, so streaming clients see each job reach a terminal state.
/// While serving, the job store's health counts too: NOT_SERVING while it cannot write (disk
/// full, damaged), SERVING again once a write succeeds.
/// </summary>
internal sealed partial class AgentLifecycleService(FleetHealth health, JobManager jobs, JobStoreHealth storeHealth, ILogger<AgentLifecycleService> logger)
    : IHostedLifecycleService, IDisposable
{
    private static readonly string[] Services = ["", HostAgent.Descriptor.FullName];
    private readonly Lock _gate = new();
    private bool _serving;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        SetAll(HealthCheckResponse.Types.ServingStatus.NotServing);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _serving = true;
        }

        storeHealth.Changed += OnStoreHealthChanged;
        Update();
        LogServing(logger);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _serving = false;
        }

        Update();
        LogDraining(logger);
        await jobs.DrainAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => storeHealth.Changed -= OnStoreHealthChanged;

    private void OnStoreHealthChanged(JobStoreException? problem)
    {
        if (problem is not null)
        {
            LogStoreNotServing(logger, problem.Message);
        }

        Update();
    }

    // One decision from both inputs, under one lock, so a late store event never overrides a stop.
    private void Update()
    {
        lock (_gate)
        {
            SetAll(_serving && storeHealth.IsWritable
                ? HealthCheckResponse.Types.ServingStatus.Serving
                : HealthCheckResponse.Types.ServingStatus.NotServing);
        }
    }

    private void SetAll(HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var service in Services)
        {
            health.SetStatus(service, status);
        }
    }

    [LoggerMessage(EventId = 10, EventName = "AgentServing", Level = LogLevel.Information, Message = "Agent is serving.")]
    private static partial void LogServing(ILogger logger);

    [LoggerMessage(EventId = 12, EventName = "AgentNotServingStore", Level = LogLevel.Warning, Message = "Agent health is NOT_SERVING: {Problem}.")]
    private static partial void LogStoreNotServing(ILogger logger, string problem);

    [LoggerMessage(EventId = 11, EventName = "AgentDraining", Level = LogLevel.Information, Message = "Agent is stopping: not accepting new jobs, draining running ones.")]
    private static partial void LogDraining(ILogger logger);
}
