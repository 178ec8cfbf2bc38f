namespace HvFleet.Agent.Jobs;

/// <summary>A job's life cycle (values match the API's JobState).</summary>
internal enum JobState
{
    Pending = 1,
    Running = 2,
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
}
