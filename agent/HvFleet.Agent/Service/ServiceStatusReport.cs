namespace HvFleet.Agent.Service;

/// <summary>
/// One SetServiceStatus report. <see cref="CheckPoint"/> must grow and <see cref="WaitHint"/> be
/// renewed while a pending state lasts, or the SCM concludes the service hung.
/// </summary>
/// <param name="State">The state being reported.</param>
/// <param name="ControlsAccepted">Controls the handler takes in this state (none while pending).</param>
/// <param name="CheckPoint">Progress counter of a pending state; 0 otherwise.</param>
/// <param name="WaitHint">Time until the next report of a pending state; zero otherwise.</param>
/// <param name="Win32ExitCode">0, or ERROR_SERVICE_SPECIFIC_ERROR (1066) with <see cref="ServiceSpecificExitCode"/>.</param>
/// <param name="ServiceSpecificExitCode">The agent's own exit code when <see cref="Win32ExitCode"/> is 1066.</param>
internal readonly record struct ServiceStatusReport(
    ServiceState State,
    ServiceAcceptedControls ControlsAccepted,
    int CheckPoint,
    TimeSpan WaitHint,
    int Win32ExitCode = 0,
    int ServiceSpecificExitCode = 0)
{
    /// <summary>ERROR_SERVICE_SPECIFIC_ERROR: the exit code is in dwServiceSpecificExitCode.</summary>
    public const int ErrorServiceSpecificError = 1066;
}
