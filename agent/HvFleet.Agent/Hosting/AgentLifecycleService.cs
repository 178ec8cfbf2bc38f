using Grpc.Health.V1;
using HvFleet.Agent.Jobs;
using HvFleet.Protos.Agent.V1;
using HvFleet.Rpc.Health;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// Health follows the agent's life: NOT_SERVING while starting (job recovery), SERVING once every
/// hosted service has started, NOT_SERVING again as soon as a stop begins; the stop then drains
/// jobs before the server stops, so streaming clients see each job reach a terminal state.
/// </summary>
internal sealed partial class AgentLifecycleService(HealthStatusManager health, JobManager jobs, ILogger<AgentLifecycleService> logger) : IHostedLifecycleService
{
    private static readonly string[] Services = ["", HostAgent.ServiceName];

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        SetAll(HealthCheckResponse.Types.ServingStatus.NotServing);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        SetAll(HealthCheckResponse.Types.ServingStatus.Serving);
        LogServing(logger);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        SetAll(HealthCheckResponse.Types.ServingStatus.NotServing);
        LogDraining(logger);
        await jobs.DrainAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void SetAll(HealthCheckResponse.Types.ServingStatus status)
    {
        foreach (var service in Services)
        {
            health.SetStatus(service, status);
        }
    }

    [LoggerMessage(EventId = 10, EventName = "AgentServing", Level = LogLevel.Information, Message = "Agent is serving.")]
    private static partial void LogServing(ILogger logger);

    [LoggerMessage(EventId = 11, EventName = "AgentDraining", Level = LogLevel.Information, Message = "Agent is stopping: not accepting new jobs, draining running ones.")]
    private static partial void LogDraining(ILogger logger);
}
