namespace HvFleet.Agent.Service;

/// <summary>The SCM's service states (SERVICE_STATUS.dwCurrentState), with their native values.</summary>
internal enum ServiceState
{
    Stopped = 1,
    StartPending = 2,
    StopPending = 3,
    Running = 4,
}
