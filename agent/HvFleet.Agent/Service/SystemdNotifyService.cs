namespace HvFleet.Agent.Service;

/// <summary>
/// Tells systemd (Type=notify) when the agent serves (READY=1, after every other hosted service
/// has started, so after health turns SERVING) and when it begins to stop (STOPPING=1, while
/// jobs drain). Does nothing when the agent does not run under systemd.
/// </summary>
internal sealed partial class SystemdNotifyService(SystemdNotifier notifier, ILogger<SystemdNotifyService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Send("READY=1\nSTATUS=Serving");
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        Send("STOPPING=1\nSTATUS=Draining jobs");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Send(string state)
    {
        if (notifier.IsEnabled && !notifier.Notify(state))
        {
            LogNotifyFailed(logger, state);
        }
    }

    [LoggerMessage(EventId = 910, EventName = "SystemdNotifyFailed", Level = LogLevel.Warning, Message = "Could not send '{State}' to systemd's notification socket.")]
    private static partial void LogNotifyFailed(ILogger logger, string state);
}
