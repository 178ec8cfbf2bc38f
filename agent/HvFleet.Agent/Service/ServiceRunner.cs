namespace HvFleet.Agent.Service;

/// <summary>
/// The agent's side of the Service Control Manager contract, as a state machine:
/// START_PENDING (checkpoints pulse while the host starts) → RUNNING (accepts STOP, SHUTDOWN and
/// PRESHUTDOWN) → STOP_PENDING (checkpoints pulse with a wait hint while jobs drain in the host's
/// stop) → STOPPED (exit code 0, or service-specific 1 when the start failed, the stop failed, or
/// the host stopped on its own so the SCM's failure actions apply).
/// </summary>
internal sealed partial class ServiceRunner
{
    /// <summary>The name the installer registers the service under.</summary>
    public const string DefaultServiceName = "HvFleetAgent";

    /// <summary>ERROR_CALL_NOT_IMPLEMENTED: the handler does not take this control.</summary>
    public const int ErrorCallNotImplemented = 120;

    /// <summary>ERROR_SERVICE_CANNOT_ACCEPT_CTRL: the control cannot be taken in the current state.</summary>
    public const int ErrorServiceCannotAcceptControl = 1061;

    private const ServiceAcceptedControls RunningControls =
        ServiceAcceptedControls.Stop | ServiceAcceptedControls.Shutdown | ServiceAcceptedControls.Preshutdown;

    private readonly IServiceControlManager _scm;
    private readonly IServiceWorkload _workload;
    private readonly TimeProvider _time;
    private readonly ServiceRunnerTimings _timings;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServiceStatusReport _current = new(ServiceState.Stopped, ServiceAcceptedControls.None, 0, TimeSpan.Zero);
    private ITimer? _pulse;
    private bool _stopWasRequested;

    public ServiceRunner(IServiceControlManager scm, IServiceWorkload workload, TimeProvider time, ServiceRunnerTimings timings, ILogger logger)
    {
        timings.Validate();
        _scm = scm;
        _workload = workload;
        _time = time;
        _timings = timings;
        _logger = logger;
    }

    /// <summary>The last status reported to the SCM.</summary>
    public ServiceStatusReport Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// Hands the calling (main) thread to the SCM's dispatcher and returns the process exit code
    /// once the service has stopped; null when the SCM did not start this process.
    /// </summary>
    public int? Run(string serviceName)
    {
        var exitCode = 1;
        var connected = _scm.RunDispatcher(serviceName, () => exitCode = RunServiceAsync(serviceName).GetAwaiter().GetResult());
        return connected ? exitCode : null;
    }

    /// <summary>The body of ServiceMain: the whole life of the service, from START_PENDING to STOPPED.</summary>
    public async Task<int> RunServiceAsync(string serviceName)
    {
        _scm.RegisterControlHandler(serviceName, HandleControl);
        lock (_gate)
        {
            EnterPending(ServiceState.StartPending);
        }

        LogStarting(_logger, serviceName);
        try
        {
            await _workload.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any start failure must end as a STOPPED report with an exit code, never as a hung service.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStartFailed(_logger, ex);
            return Finish(exitCode: 1);
        }

        lock (_gate)
        {
            if (!_stopWasRequested)
            {
                StopPulse();
                Report(new ServiceStatusReport(ServiceState.Running, RunningControls, 0, TimeSpan.Zero));
            }
        }

        LogRunning(_logger);
        await Task.WhenAny(_stopRequested.Task, _workload.Stopping).ConfigureAwait(false);
        var stoppedByItself = false;
        lock (_gate)
        {
            if (!_stopWasRequested)
            {
                // The host ended on its own (a fatal error): still drain, then report a failure.
                stoppedByItself = true;
                _stopWasRequested = true;
                EnterPending(ServiceState.StopPending);
            }
        }

        if (stoppedByItself)
        {
            LogStoppedByItself(_logger);
        }

        try
        {
            using var timeout = new CancellationTokenSource(_timings.StopTimeout, _time);
            await _workload.StopAsync(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed stop is still reported as STOPPED, with a failure exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogStopFailed(_logger, ex);
            return Finish(exitCode: 1);
        }

        return Finish(stoppedByItself ? 1 : 0);
    }

    /// <summary>
    /// The control handler (HandlerEx). Runs on the dispatcher's thread, so it only records the
    /// request and reports STOP_PENDING; the stop itself runs in <see cref="RunServiceAsync"/>.
    /// </summary>
    public int HandleControl(ServiceControl control)
    {
        switch (control)
        {
            case ServiceControl.Interrogate:
                lock (_gate)
                {
                    Report(_current);
                }

                return 0;
            case ServiceControl.Stop or ServiceControl.Shutdown or ServiceControl.Preshutdown:
                lock (_gate)
                {
                    if (_current.State == ServiceState.StopPending)
                    {
                        return 0;
                    }

                    if (_current.State != ServiceState.Running)
                    {
                        return ErrorServiceCannotAcceptControl;
                    }

                    _stopWasRequested = true;
                    EnterPending(ServiceState.StopPending);
                }

                LogStopRequested(_logger, control);
                _stopRequested.TrySetResult();
                return 0;
            default:
                return ErrorCallNotImplemented;
        }
    }

    private int Finish(int exitCode)
    {
        lock (_gate)
        {
            StopPulse();
            Report(exitCode == 0
                ? new ServiceStatusReport(ServiceState.Stopped, ServiceAcceptedControls.None, 0, TimeSpan.Zero)
                : new ServiceStatusReport(ServiceState.Stopped, ServiceAcceptedControls.None, 0, TimeSpan.Zero, ServiceStatusReport.ErrorServiceSpecificError, exitCode));
        }

        LogStopped(_logger, exitCode);
        return exitCode;
    }

    // Called under _gate.
    private void EnterPending(ServiceState state)
    {
        StopPulse();
        Report(new ServiceStatusReport(state, ServiceAcceptedControls.None, 1, _timings.WaitHint));
        _pulse = _time.CreateTimer(_ => Pulse(state), null, _timings.PulseInterval, _timings.PulseInterval);
    }

    private void Pulse(ServiceState state)
    {
        lock (_gate)
        {
            if (_current.State == state)
            {
                Report(_current with { CheckPoint = _current.CheckPoint + 1 });
            }
        }
    }

    // Called under _gate.
    private void StopPulse()
    {
        _pulse?.Dispose();
        _pulse = null;
    }

    // Called under _gate, so reports reach the SCM in the order the states change.
    private void Report(ServiceStatusReport status)
    {
        _current = status;
        _scm.SetStatus(status);
    }

    [LoggerMessage(EventId = 900, EventName = "ServiceStarting", Level = LogLevel.Information, Message = "Starting as Windows service {ServiceName}.")]
    private static partial void LogStarting(ILogger logger, string serviceName);

    [LoggerMessage(EventId = 901, EventName = "ServiceRunning", Level = LogLevel.Information, Message = "Service is running.")]
    private static partial void LogRunning(ILogger logger);

    [LoggerMessage(EventId = 902, EventName = "ServiceStopRequested", Level = LogLevel.Information, Message = "Service control {Control} received: draining jobs and stopping.")]
    private static partial void LogStopRequested(ILogger logger, ServiceControl control);

    [LoggerMessage(EventId = 903, EventName = "ServiceStopped", Level = LogLevel.Information, Message = "Service stopped with exit code {ExitCode}.")]
    private static partial void LogStopped(ILogger logger, int exitCode);

    [LoggerMessage(EventId = 904, EventName = "ServiceStartFailed", Level = LogLevel.Critical, Message = "The agent could not start as a service.")]
    private static partial void LogStartFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 905, EventName = "ServiceStopFailed", Level = LogLevel.Error, Message = "The agent's stop failed.")]
    private static partial void LogStopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 906, EventName = "ServiceStoppedByItself", Level = LogLevel.Error, Message = "The agent's host stopped without a service control; reporting a failure so the SCM's recovery actions apply.")]
    private static partial void LogStoppedByItself(ILogger logger);
}
