namespace HvFleet.Agent.Service;

/// <summary>The control codes the agent's handler understands (SERVICE_CONTROL_*), with their native values.</summary>
internal enum ServiceControl
{
    Stop = 0x1,
    Interrogate = 0x4,
    Shutdown = 0x5,
    Preshutdown = 0xF,
}
