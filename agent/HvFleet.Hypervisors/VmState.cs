namespace HvFleet.Hypervisors;

/// <summary>A VM's state, mapped from Hyper-V's EnabledState.</summary>
public enum VmState
{
    Other = 0,
    Running = 1,
    Off = 2,
    Saved = 3,
    Paused = 4,
    Starting = 5,
    Stopping = 6,
    Saving = 7,

    /// <summary>Being deleted or otherwise busy: snapshots are refused with "invalid state".</summary>
    Busy = 8,
}
