namespace HvFleet.Hypervisors;

/// <summary>How a running VM's state is captured in an export.</summary>
public enum CaptureLiveState
{
    Default = 0,
    CrashConsistent = 1,
    SavedState = 2,
    ApplicationConsistent = 3,
}
