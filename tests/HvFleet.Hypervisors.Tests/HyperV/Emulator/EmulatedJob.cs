namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

/// <summary>An Msvm_ConcreteJob in the emulator; its state is a function of (fake) time and requests.</summary>
internal sealed class EmulatedJob
{
    public required string InstanceId { get; init; }

    public required string Method { get; init; }

    public required ushort JobType { get; init; }

    public required JobPlan Plan { get; init; }

    public required TimeSpan Duration { get; init; }

    public required DateTimeOffset Submitted { get; init; }

    /// <summary>Keys of what the running job uses ("snap:VM", "export:VM", "use:snapshot"); conflicts give "in use".</summary>
    public IReadOnlySet<string> Holds { get; init; } = new HashSet<string>();

    /// <summary>Applied when the job succeeds; returns the paths of created elements (Msvm_AffectedJobElement, ElementEffects 5).</summary>
    public Func<DateTimeOffset, IReadOnlyList<string>>? OnSuccess { get; init; }

    /// <summary>Applied when the job fails or is stopped.</summary>
    public Action? OnStopped { get; init; }

    public ushort State { get; set; } = 2;

    public ushort Percent { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public DateTimeOffset? TerminateRequestedAt { get; set; }

    public DateTimeOffset? KillRequestedAt { get; set; }

    public bool Removed { get; set; }

    public bool IsRunning => EndedAt is null;

    public bool Succeeded => State is 7 or 32768;
}
