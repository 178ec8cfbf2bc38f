namespace HvFleet.Hypervisors.Lab;

/// <summary>How the lab copies disk files while computing their SHA-256.</summary>
public enum LabCopyMethod
{
    /// <summary>Reflink (FICLONE) when the filesystem supports it, else <see cref="Buffered"/>.</summary>
    Auto = 0,

    /// <summary>One pass of large sequential reads, hashing and writing each chunk.</summary>
    Buffered = 1,

    /// <summary><see cref="File.Copy(string, string)"/> (in-kernel copy) with the hash read alongside.</summary>
    KernelCopy = 2,
}
