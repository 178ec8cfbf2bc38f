namespace HvFleet.Orchestrator.Inventory;

/// <summary>One host of the inventory.</summary>
public sealed record FleetHost
{
    /// <summary>Unique (case-insensitive) name: letters, digits, '.', '-', '_'.</summary>
    public required string Name { get; init; }

    /// <summary>The agent's endpoint: <c>host:port</c>, <c>[v6]:port</c> or an http(s) URL.</summary>
    public required string Address { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Hosts sharing a storage key (a CSV, a volume, a share) share the per-storage cap.</summary>
    public string StorageKey { get; init; } = "";

    /// <summary>Expected TLS server identity (DNS name) of the agent; empty for the address's host part.</summary>
    public string TlsIdentity { get; init; } = "";
}
