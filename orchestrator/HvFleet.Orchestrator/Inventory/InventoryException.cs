namespace HvFleet.Orchestrator.Inventory;

/// <summary>An inventory file that cannot be used; <see cref="Errors"/> lists every problem found.</summary>
public sealed class InventoryException : Exception
{
    public InventoryException(string source, IReadOnlyList<string> errors, Exception? inner = null)
        : base($"inventory {source} is invalid: {string.Join("; ", errors)}", inner)
    {
        Errors = errors;
    }

    public IReadOnlyList<string> Errors { get; }
}
