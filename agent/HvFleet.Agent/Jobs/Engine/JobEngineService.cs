namespace HvFleet.Agent.Jobs.Engine;

/// <summary>Runs the job engine's recovery at startup and its drain at shutdown.</summary>
internal sealed class JobEngineService(JobManager manager) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => manager.RecoverAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => manager.DrainAsync(cancellationToken);
}
