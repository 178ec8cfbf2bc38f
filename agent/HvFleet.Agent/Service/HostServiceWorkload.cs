namespace HvFleet.Agent.Service;

/// <summary>
/// Runs an <see cref="IHost"/> as a service's workload. The host is built inside the service's
/// start, so a configuration error becomes a STOPPED report with an exit code (and a log line)
/// instead of a process that never answered the SCM.
/// </summary>
internal sealed class HostServiceWorkload(Func<IHost> buildHost) : IServiceWorkload, IAsyncDisposable
{
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IHost? _host;

    public Task Stopping => _stopping.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _host = buildHost();
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);

        // ApplicationStopping fires for our own StopAsync too; Stopping is only read before that.
        _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => _stopping.TrySetResult());
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _host is null ? Task.CompletedTask : _host.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        switch (_host)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
