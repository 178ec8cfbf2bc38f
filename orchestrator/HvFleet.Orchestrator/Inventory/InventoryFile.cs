namespace HvFleet.Orchestrator.Inventory;

/// <summary>The file's shape, for both YAML and JSON:
/// <code>
/// hosts:
///   - name: hv01
///     address: hv01.example.net:7443
///     labels: { site: ams, rack: r12 }
///     storageKey: csv-01
///     tlsIdentity: hv01.example.net
/// </code></summary>
internal sealed class InventoryFile
{
    public List<InventoryFileHost?>? Hosts { get; set; }
}
