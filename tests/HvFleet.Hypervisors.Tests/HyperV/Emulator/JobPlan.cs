namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>How an emulated Msvm_ConcreteJob runs: its duration, the states it shows and how it ends.</summary>
internal sealed record JobPlan
{
    /// <summary>Time from submission to the final state; null uses the emulator's default.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>JobState shown while running, in equal slices of the duration (2–6, 12 are "keep waiting").</summary>
    public IReadOnlyList<ushort> RunningStates { get; init; } = [4];

    /// <summary>7 Completed, 32768 CompletedWithWarnings, 8 Terminated, 9 Killed, 10 Exception, 11 Service.</summary>
    public ushort FinalState { get; init; } = 7;

    public ushort ErrorCode { get; init; }

    public string? ErrorSummaryDescription { get; init; }

    public string? ErrorDescription { get; init; }

    /// <summary>The Message of each Msvm_Error GetErrorEx returns.</summary>
    public IReadOnlyList<string> ErrorMessages { get; init; } = [];

    public bool Cancellable { get; init; } = true;

    /// <summary>Terminate (4) is accepted but has no effect, so only Kill (5) stops the job.</summary>
    public bool IgnoresTerminate { get; init; }

    /// <summary>How long an accepted Terminate takes to reach JobState 8.</summary>
    public TimeSpan TerminateDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The job never ends on its own.</summary>
    public bool Hang { get; init; }

    /// <summary>The job object is removed the moment it ends instead of 5 minutes later.</summary>
    public bool RemoveOnCompletion { get; init; }

    public static JobPlan Failing(ushort errorCode, string summary, string description, params string[] messages) => new()
    {
        FinalState = 10,
        ErrorCode = errorCode,
        ErrorSummaryDescription = summary,
        ErrorDescription = description,
        ErrorMessages = messages,
    };
}
