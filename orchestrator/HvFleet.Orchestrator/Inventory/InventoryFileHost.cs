namespace HvFleet.Orchestrator.Inventory;

/// <summary>One host entry as written in the file (everything optional so that validation can name what is missing).</summary>
internal sealed class InventoryFileHost
{
    public string? Name { get; set; }

    public string? Address { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public string? StorageKey { get; set; }

    public string? TlsIdentity { get; set; }
}
