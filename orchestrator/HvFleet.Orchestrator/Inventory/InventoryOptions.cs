namespace HvFleet.Orchestrator.Inventory;

/// <summary>Where the inventory comes from and how often it is checked for changes.</summary>
public sealed class InventoryOptions
{
    public const string SectionName = "HvFleet:Inventory";

    /// <summary>Path of the YAML (.yaml/.yml) or JSON (.json) inventory file. Required.</summary>
    public string Path { get; set; } = "";

    /// <summary>How often the file's timestamp and size are polled for a reload (default 10 s; zero turns polling off).
    /// Polling rather than FileSystemWatcher: watchers miss changes on network shares and on the symlink swaps
    /// that Kubernetes ConfigMaps use.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);
}
