using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Store;

/// <summary>Reports every problem of <see cref="SqliteOperationStoreOptions"/> at once.</summary>
internal sealed class SqliteOperationStoreOptionsValidator : IValidateOptions<SqliteOperationStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteOperationStoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add($"{SqliteOperationStoreOptions.SectionName}:DataDirectory is required");
        }

        if (string.IsNullOrWhiteSpace(options.FileName) || options.FileName.IndexOfAny(['/', '\\']) >= 0)
        {
            errors.Add($"{SqliteOperationStoreOptions.SectionName}:FileName must be a plain file name");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SqliteOperationStoreOptions.SectionName}:BusyTimeout must be positive");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
