namespace HvFleet.Hypervisors.Lab;

/// <summary>The mechanism that actually copied a file.</summary>
internal enum LabCopyPath
{
    Reflink = 1,
    KernelCopy = 2,
    Buffered = 3,
}
