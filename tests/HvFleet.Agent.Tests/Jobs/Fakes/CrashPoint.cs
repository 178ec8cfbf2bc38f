namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>Where <see cref="CrashingHypervisor"/> kills the agent during a checkpoint.</summary>
internal enum CrashPoint
{
    /// <summary>After the job recorded that it runs, before the backend is called.</summary>
    BeforeBackend = 1,

    /// <summary>After the backend took the checkpoint, before the job recorded it.</summary>
    AfterBackend = 2,
}
