namespace HvFleet.Agent.Service;

/// <summary>
/// The host lifetime of the Windows service: unlike the console lifetime it hooks no console
/// signals (a service's stop comes from the SCM, through <see cref="ServiceRunner"/>), so a
/// console control event at system shutdown does not start a second, unannounced stop.
/// </summary>
internal sealed class ServiceHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
