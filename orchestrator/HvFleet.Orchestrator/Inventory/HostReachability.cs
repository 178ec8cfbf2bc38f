namespace HvFleet.Orchestrator.Inventory;

/// <summary>What the last probe of a host found.</summary>
public enum HostReachability
{
    Unknown = 0,
    Reachable = 1,
    Unreachable = 2,
    /// <summary>Answering but reporting NOT_SERVING (starting or draining).</summary>
    NotServing = 3,
}
