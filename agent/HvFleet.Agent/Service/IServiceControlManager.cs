namespace HvFleet.Agent.Service;

/// <summary>
/// The part of the Windows Service Control Manager contract the agent uses; the native
/// implementation is <see cref="WindowsServiceControlManager"/>, tests use a fake.
/// </summary>
internal interface IServiceControlManager
{
    /// <summary>
    /// Connects the process's main thread to the SCM (StartServiceCtrlDispatcherW) and blocks until
    /// the service has reported <see cref="ServiceState.Stopped"/>. The SCM calls
    /// <paramref name="serviceMain"/> on a thread of its own. Returns false when the process was
    /// not started by the SCM (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT).
    /// </summary>
    bool RunDispatcher(string serviceName, Action serviceMain);

    /// <summary>
    /// Registers the control handler (RegisterServiceCtrlHandlerExW). The handler returns a Win32
    /// error code: 0 when the control was taken, 120 (ERROR_CALL_NOT_IMPLEMENTED) otherwise.
    /// Must be called first thing in serviceMain.
    /// </summary>
    void RegisterControlHandler(string serviceName, Func<ServiceControl, int> handler);

    /// <summary>Reports the service's status (SetServiceStatus).</summary>
    void SetStatus(ServiceStatusReport status);
}
