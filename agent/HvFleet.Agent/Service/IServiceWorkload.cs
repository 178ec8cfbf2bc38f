namespace HvFleet.Agent.Service;

/// <summary>What a service runs: for the agent, its host (see <see cref="HostServiceWorkload"/>).</summary>
internal interface IServiceWorkload
{
    /// <summary>Builds and starts the work; returns once it serves. Throws when it cannot start.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Completes when the work stops by itself (not because <see cref="StopAsync"/> was called).</summary>
    Task Stopping { get; }

    /// <summary>Stops the work gracefully (the agent drains its jobs); <paramref name="cancellationToken"/> ends the grace.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
