namespace HvFleet.Hypervisors.Lab;

/// <summary>How the lab copies disk files while computing their SHA-256.</summary>
public enum LabCopyMethod
{
    /// <summary>
    /// Reflink (FICLONE) when the filesystem supports it; else <see cref="Buffered"/> when a hash is
    /// wanted (exports), <see cref="KernelCopy"/> when not (snapshot capture).
    /// </summary>
    Auto = 0,

    /// <summary>One pass of large sequential reads, hashing and writing each chunk.</summary>
    Buffered = 1,

    /// <summary>In-kernel copy (copy_file_range) with the hash read of the source alongside.</summary>
    KernelCopy = 2,
}
