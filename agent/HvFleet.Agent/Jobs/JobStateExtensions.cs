namespace HvFleet.Agent.Jobs;

internal static class JobStateExtensions
{
    /// <summary>Completed, Failed and Cancelled never change again.</summary>
    public static bool IsTerminal(this JobState state) =>
        state is JobState.Completed or JobState.Failed or JobState.Cancelled;
}
