using System.CommandLine;
using HvFleet.Protos.Orchestrator.V1;

namespace HvFleet.Cli.Commands;

/// <summary>The fan-out policy flags and their mapping to the API's Policy message.</summary>
internal sealed class PolicyOptions
{
    private readonly Option<int?> _maxHostsInFlight = new("--max-hosts-in-flight") { Description = "Hosts worked on at once (default: no cap)" };
    private readonly Option<int?> _maxJobsPerHost = new("--max-jobs-per-host") { Description = "Jobs at once on one host (default 1)" };
    private readonly Option<int?> _maxPerStorage = new("--max-per-storage") { Description = "Jobs at once per storage key (default: no cap)" };
    private readonly Option<TimeSpan?> _hostTimeout = CommonOptions.Duration("--host-timeout", "Time one attempt on a host may take (e.g. 10m)");
    private readonly Option<int?> _maxRetries = new("--max-retries") { Description = "Retries of retryable failures (default 2; 0 = none)" };
    private readonly Option<TimeSpan?> _retryBackoff = CommonOptions.Duration("--retry-backoff", "First retry delay, doubled per retry with jitter (default 1s)");
    private readonly Option<int?> _failureBudget = new("--failure-budget") { Description = "Failed targets tolerated fleet-wide before the rest is skipped (default: unlimited)" };
    private readonly Option<int?> _waveSize = new("--wave-size") { Description = "Hosts per wave (default: one wave)" };
    private readonly Option<int?> _waveFailureBudget = new("--wave-failure-budget") { Description = "Failed targets tolerated per wave before that wave's rest is skipped" };
    private readonly Option<bool> _cleanup = new("--cleanup-on-failure") { Description = "Delete this operation's checkpoints if it ends failed, partially failed or cancelled" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _maxHostsInFlight, _maxJobsPerHost, _maxPerStorage, _hostTimeout, _maxRetries, _retryBackoff,
                     _failureBudget, _waveSize, _waveFailureBudget, _cleanup })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            foreach (var option in new[] { _maxHostsInFlight, _maxJobsPerHost, _maxPerStorage, _maxRetries, _failureBudget, _waveSize, _waveFailureBudget })
            {
                if (result.GetValue(option) is < 0)
                {
                    result.AddError($"{option.Name} must not be negative");
                }
            }
        });
    }

    /// <summary>The Policy message; null when no policy flag was given (the orchestrator's defaults apply).</summary>
    public Policy? Bind(ParseResult parse)
    {
        var policy = new Policy
        {
            MaxHostsInFlight = parse.GetValue(_maxHostsInFlight) ?? 0,
            MaxJobsPerHost = parse.GetValue(_maxJobsPerHost) ?? 0,
            MaxPerStorageKey = parse.GetValue(_maxPerStorage) ?? 0,
            HostTimeout = parse.GetValue(_hostTimeout) is { } timeout ? Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(timeout) : null,
            // The API reads 0 as "default"; -1 asks for no retries.
            MaxRetries = parse.GetValue(_maxRetries) switch { null => 0, 0 => -1, var n => n.Value },
            RetryBackoff = parse.GetValue(_retryBackoff) is { } backoff ? Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(backoff) : null,
            WaveSize = parse.GetValue(_waveSize) ?? 0,
            CleanupOnFailure = parse.GetValue(_cleanup),
        };
        if (parse.GetValue(_failureBudget) is { } budget)
        {
            policy.FailureBudget = budget;
            policy.FailureBudgetSet = true;
        }

        if (parse.GetValue(_waveFailureBudget) is { } waveBudget)
        {
            policy.WaveFailureBudget = waveBudget;
            policy.WaveFailureBudgetSet = true;
        }

        return policy.Equals(new Policy()) ? null : policy;
    }
}
