namespace HvFleet.Agent.Service;

/// <summary>SERVICE_ACCEPT_* flags reported in SERVICE_STATUS.dwControlsAccepted.</summary>
[Flags]
internal enum ServiceAcceptedControls
{
    None = 0,
    Stop = 0x1,
    Shutdown = 0x4,
    Preshutdown = 0x100,
}
