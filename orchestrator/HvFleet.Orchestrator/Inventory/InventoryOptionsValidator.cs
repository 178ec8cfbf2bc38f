using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Inventory;

/// <summary>Reports every problem of <see cref="InventoryOptions"/> at once.</summary>
internal sealed class InventoryOptionsValidator : IValidateOptions<InventoryOptions>
{
    public ValidateOptionsResult Validate(string? name, InventoryOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"{InventoryOptions.SectionName}:Path is required (the inventory file)");
        }

        if (options.ReloadInterval < TimeSpan.Zero)
        {
            errors.Add($"{InventoryOptions.SectionName}:ReloadInterval must not be negative");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
