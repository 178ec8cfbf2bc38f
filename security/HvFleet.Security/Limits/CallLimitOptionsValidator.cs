using Microsoft.Extensions.Options;

namespace HvFleet.Security.Limits;

/// <summary>Reports every out-of-range limit at once.</summary>
public sealed class CallLimitOptionsValidator : IValidateOptions<CallLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, CallLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxConcurrentStreamsPerCaller < 1)
        {
            failures.Add($"{CallLimitOptions.SectionName}:MaxConcurrentStreamsPerCaller must be at least 1, got {options.MaxConcurrentStreamsPerCaller}.");
        }

        if (options.MaxMutatingCallsPerMinute < 1)
        {
            failures.Add($"{CallLimitOptions.SectionName}:MaxMutatingCallsPerMinute must be at least 1, got {options.MaxMutatingCallsPerMinute}.");
        }

        if (options.OrchestratorMaxConcurrentStreams < 1)
        {
            failures.Add($"{CallLimitOptions.SectionName}:OrchestratorMaxConcurrentStreams must be at least 1, got {options.OrchestratorMaxConcurrentStreams}.");
        }

        if (options.OrchestratorMaxMutatingCallsPerMinute < 1)
        {
            failures.Add($"{CallLimitOptions.SectionName}:OrchestratorMaxMutatingCallsPerMinute must be at least 1, got {options.OrchestratorMaxMutatingCallsPerMinute}.");
        }

        if (options.MaxReceiveMessageBytes < 1024)
        {
            failures.Add($"{CallLimitOptions.SectionName}:MaxReceiveMessageBytes must be at least 1024, got {options.MaxReceiveMessageBytes}.");
        }

        if (options.MaxInfrastructureReceiveMessageBytes < 1024)
        {
            failures.Add($"{CallLimitOptions.SectionName}:MaxInfrastructureReceiveMessageBytes must be at least 1024, got {options.MaxInfrastructureReceiveMessageBytes}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
