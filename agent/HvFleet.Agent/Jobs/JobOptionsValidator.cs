using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Jobs;

/// <summary>Checks <see cref="JobOptions"/>, reporting every failure at once.</summary>
internal sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var failures = new List<string>();
        void Positive(int value, string property, int max)
        {
            if (value < 1 || value > max)
            {
                failures.Add($"{JobOptions.SectionName}:{property} must be between 1 and {max}, got {value}.");
            }
        }

        Positive(options.MaxConcurrentSnapshots, nameof(options.MaxConcurrentSnapshots), 1024);
        Positive(options.MaxConcurrentExports, nameof(options.MaxConcurrentExports), 1024);
        Positive(options.MaxQueuedJobs, nameof(options.MaxQueuedJobs), 1_000_000);
        Positive(options.WatcherBufferCapacity, nameof(options.WatcherBufferCapacity), 65_536);

        if (options.ProgressPersistInterval < TimeSpan.Zero || options.ProgressPersistInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{JobOptions.SectionName}:{nameof(options.ProgressPersistInterval)} must be between 0 and 10 minutes, got {options.ProgressPersistInterval}.");
        }

        if (options.DrainGracePeriod < TimeSpan.Zero || options.DrainGracePeriod > TimeSpan.FromHours(1))
        {
            failures.Add($"{JobOptions.SectionName}:{nameof(options.DrainGracePeriod)} must be between 0 and 1 hour, got {options.DrainGracePeriod}.");
        }

        if (options.StoreRetryInterval <= TimeSpan.Zero || options.StoreRetryInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{JobOptions.SectionName}:{nameof(options.StoreRetryInterval)} must be more than 0 and at most 10 minutes, got {options.StoreRetryInterval}.");
        }

        if (options.InventoryCacheTtl < TimeSpan.Zero || options.InventoryCacheTtl > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{JobOptions.SectionName}:{nameof(options.InventoryCacheTtl)} must be between 0 and 1 minute, got {options.InventoryCacheTtl}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
