using Microsoft.Extensions.Options;

namespace HvFleet.Hypervisors.Lab;

/// <summary>Checks <see cref="LabHypervisorOptions"/> and reports every problem at once.</summary>
internal sealed class LabHypervisorOptionsValidator : IValidateOptions<LabHypervisorOptions>
{
    public ValidateOptionsResult Validate(string? name, LabHypervisorOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            failures.Add("Lab:Directory is required.");
        }
        else if (!Path.IsPathFullyQualified(options.Directory))
        {
            failures.Add($"Lab:Directory must be an absolute path (got '{options.Directory}').");
        }

        if (options.SeedCollections < 0)
        {
            failures.Add($"Lab:SeedCollections must be 0 or more (got {options.SeedCollections}).");
        }

        if (options.SeedMinVmsPerCollection < 1)
        {
            failures.Add($"Lab:SeedMinVmsPerCollection must be at least 1 (got {options.SeedMinVmsPerCollection}).");
        }

        if (options.SeedMaxVmsPerCollection < options.SeedMinVmsPerCollection)
        {
            failures.Add($"Lab:SeedMaxVmsPerCollection ({options.SeedMaxVmsPerCollection}) must not be below Lab:SeedMinVmsPerCollection ({options.SeedMinVmsPerCollection}).");
        }

        if (options.SeedDiskSizeBytes < 4096)
        {
            failures.Add($"Lab:SeedDiskSizeBytes must be at least 4096 (got {options.SeedDiskSizeBytes}).");
        }

        if (options.GuestIoInterval <= TimeSpan.Zero)
        {
            failures.Add($"Lab:GuestIoInterval must be positive (got {options.GuestIoInterval}).");
        }

        if (options.GuestIoBlockSize < 512 || options.GuestIoBlockSize > 16 * 1024 * 1024)
        {
            failures.Add($"Lab:GuestIoBlockSize must be between 512 bytes and 16 MiB (got {options.GuestIoBlockSize}).");
        }

        if (options.GuestIoBlockSize > options.SeedDiskSizeBytes)
        {
            failures.Add($"Lab:GuestIoBlockSize ({options.GuestIoBlockSize}) must not exceed Lab:SeedDiskSizeBytes ({options.SeedDiskSizeBytes}).");
        }

        if (options.CopyBufferSize < 4096 || options.CopyBufferSize > 64 * 1024 * 1024)
        {
            failures.Add($"Lab:CopyBufferSize must be between 4 KiB and 64 MiB (got {options.CopyBufferSize}).");
        }

        if (!Enum.IsDefined(options.CopyMethod))
        {
            failures.Add($"Lab:CopyMethod '{options.CopyMethod}' is not a known copy method.");
        }

        ValidateFaults("Lab:Faults", options.Faults, failures);
        foreach (var (operation, faults) in options.OperationFaults)
        {
            if (!Enum.IsDefined(operation))
            {
                failures.Add($"Lab:OperationFaults has an unknown operation '{operation}'.");
            }

            ValidateFaults($"Lab:OperationFaults:{operation}", faults, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateFaults(string prefix, LabFaultOptions? faults, List<string> failures)
    {
        if (faults is null)
        {
            failures.Add($"{prefix} must not be null.");
            return;
        }

        if (faults.Delay < TimeSpan.Zero)
        {
            failures.Add($"{prefix}:Delay must not be negative (got {faults.Delay}).");
        }

        if (faults.DelayAfterCommit < TimeSpan.Zero)
        {
            failures.Add($"{prefix}:DelayAfterCommit must not be negative (got {faults.DelayAfterCommit}).");
        }

        if (double.IsNaN(faults.FailureProbability) || faults.FailureProbability < 0 || faults.FailureProbability > 1)
        {
            failures.Add($"{prefix}:FailureProbability must be between 0 and 1 (got {faults.FailureProbability}).");
        }

        if (faults.FailNext < 0)
        {
            failures.Add($"{prefix}:FailNext must be 0 or more (got {faults.FailNext}).");
        }

        if (faults.FailureCode == HyperVCodes.Completed || faults.FailureCode == HyperVCodes.JobStarted)
        {
            failures.Add($"{prefix}:FailureCode must be an error code, not {faults.FailureCode}.");
        }
    }
}
