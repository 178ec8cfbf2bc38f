using HvFleet.Hypervisors.Lab;

namespace HvFleet.Agent.Hosting;

/// <summary>
/// Starts the lab hypervisor (load its state, or seed a fresh directory) while the host starts,
/// before job recovery and before health turns SERVING: a lab whose state file is missing or
/// damaged refuses to start (<see cref="HvFleet.Hypervisors.HypervisorStartException"/>), and the
/// agent must then stop at once instead of serving with a host it cannot trust.
/// </summary>
internal sealed class LabStartupService(LabHypervisor lab) : IHostedService
{
    /// <summary>
    /// Program.cs starts the lab before the host, so that a refusal ends the process with its one-line reason
    /// alone rather than inside the host's start-failure log (a stack trace); the hosted service then finds it started.
    /// </summary>
    public static Task StartBeforeHostAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetService<LabHypervisor>() is { } lab ? lab.StartAsync(cancellationToken) : Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => lab.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
