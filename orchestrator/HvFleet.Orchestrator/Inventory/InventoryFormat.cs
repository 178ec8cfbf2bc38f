namespace HvFleet.Orchestrator.Inventory;

/// <summary>Inventory file formats.</summary>
public enum InventoryFormat
{
    Yaml = 1,
    Json = 2,
}
