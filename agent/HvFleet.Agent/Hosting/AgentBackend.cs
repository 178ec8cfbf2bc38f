namespace HvFleet.Agent.Hosting;

/// <summary>Which hypervisor the agent drives.</summary>
internal enum AgentBackend
{
    /// <summary>The built-in, file-backed lab hypervisor (default off Windows).</summary>
    Lab = 1,

    /// <summary>Hyper-V through WMI (default on Windows).</summary>
    HyperV = 2,
}
