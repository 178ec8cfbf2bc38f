using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>Reports every problem of <see cref="OrchestratorOptions"/> at once.</summary>
internal sealed class OrchestratorOptionsValidator : IValidateOptions<OrchestratorOptions>
{
    public ValidateOptionsResult Validate(string? name, OrchestratorOptions options)
    {
        var errors = new List<string>();
        string p = OrchestratorOptions.SectionName;
        if (options.LeaseDuration <= TimeSpan.Zero)
        {
            errors.Add($"{p}:LeaseDuration must be positive");
        }

        if (options.ResumeInterval <= TimeSpan.Zero)
        {
            errors.Add($"{p}:ResumeInterval must be positive");
        }

        if (options.PlanningParallelism < 1)
        {
            errors.Add($"{p}:PlanningParallelism must be at least 1");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero || options.ControlCallTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{p}:ProbeTimeout and {p}:ControlCallTimeout must be positive");
        }

        if (options.HostStatusTtl < TimeSpan.Zero)
        {
            errors.Add($"{p}:HostStatusTtl must not be negative");
        }

        if (options.CancelPollInterval <= TimeSpan.Zero || options.WatchPollInterval <= TimeSpan.Zero)
        {
            errors.Add($"{p}:CancelPollInterval and {p}:WatchPollInterval must be positive");
        }

        if (options.MaxRetryAfter <= TimeSpan.Zero)
        {
            errors.Add($"{p}:MaxRetryAfter must be positive");
        }

        if (options.MaxThrottledAttempts < 0)
        {
            errors.Add($"{p}:MaxThrottledAttempts must not be negative");
        }

        if (options.WatchBufferSize < 16)
        {
            errors.Add($"{p}:WatchBufferSize must be at least 16");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
