using Microsoft.Extensions.Options;

namespace HvFleet.Security.Audit;

/// <summary>Reports every problem with the audit settings at once.</summary>
public sealed class AuditLogOptionsValidator : IValidateOptions<AuditLogOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path) || !System.IO.Path.IsPathFullyQualified(options.Path))
        {
            failures.Add($"{AuditLogOptions.SectionName}:Path must be an absolute file path, got '{options.Path}'.");
        }

        if (options.MaxFileBytes < 4096)
        {
            failures.Add($"{AuditLogOptions.SectionName}:MaxFileBytes must be at least 4096, got {options.MaxFileBytes}.");
        }

        if (options.MaxRotatedFiles is < 1 or > 1000)
        {
            failures.Add($"{AuditLogOptions.SectionName}:MaxRotatedFiles must be between 1 and 1000, got {options.MaxRotatedFiles}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
