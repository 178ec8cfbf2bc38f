using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.HyperV;

/// <summary>Reports every invalid <see cref="HyperVOptions"/> setting at once.</summary>
internal sealed class HyperVOptionsValidator : IValidateOptions<HyperVOptions>
{
    /// <summary>Finished jobs vanish after 5 minutes (reference §5.1); polls must be much more frequent.</summary>
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, HyperVOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.NamespacePath))
        {
            failures.Add($"{HyperVOptions.SectionName}:{nameof(HyperVOptions.NamespacePath)} must not be empty.");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > MaxPollInterval)
        {
            failures.Add($"{HyperVOptions.SectionName}:{nameof(HyperVOptions.PollInterval)} must be between 0 and {MaxPollInterval} (got {options.PollInterval}).");
        }

        if (options.JobTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{HyperVOptions.SectionName}:{nameof(HyperVOptions.JobTimeout)} must be positive (got {options.JobTimeout}).");
        }

        if (options.CancelGracePeriod <= TimeSpan.Zero)
        {
            failures.Add($"{HyperVOptions.SectionName}:{nameof(HyperVOptions.CancelGracePeriod)} must be positive (got {options.CancelGracePeriod}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
