using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>Checks <see cref="SqliteJobStoreOptions"/>, reporting every failure at once.</summary>
internal sealed class SqliteJobStoreOptionsValidator : IValidateOptions<SqliteJobStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteJobStoreOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{SqliteJobStoreOptions.SectionName}:{nameof(options.DataDirectory)} is required.");
        }
        else if (!Path.IsPathFullyQualified(options.DataDirectory))
        {
            failures.Add($"{SqliteJobStoreOptions.SectionName}:{nameof(options.DataDirectory)} must be an absolute path, got '{options.DataDirectory}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
