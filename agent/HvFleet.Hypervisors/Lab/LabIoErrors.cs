namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// File-system failures of an export that are the caller's or the volume's business, not the lab's
/// own failure: a full export volume and a path too long for the file system. Each becomes a
/// <see cref="HypervisorException"/> of its own kind, with Hyper-V's code for a failed export job
/// (32768, as a real host reports "not enough space on the disk") and a message that says what happened.
/// </summary>
internal static class LabIoErrors
{
    // errno values on Linux (the lab's platform) and the Windows errors as an IOException's HResult.
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int ErrorHandleDiskFull = unchecked((int)0x80070027);
    private const int ErrorDiskFull = unchecked((int)0x80070070);

    /// <summary>The exception to report for <paramref name="exception"/>, or null to let it through unchanged.</summary>
    public static HypervisorException? ToHypervisorException(Exception exception, string exportDirectory) => exception switch
    {
        PathTooLongException => new HypervisorException(HypervisorErrorKind.InvalidParameter, HyperVCodes.MsvmInvalidParameter, HyperVCodeFamily.Msvm,
            $"a path of the export under {exportDirectory} is too long for the file system (a name over 255 bytes or a path over 4096): {exception.Message}", exception),
        IOException io when IsDiskFull(io) =>
            new HypervisorException(HypervisorErrorKind.NoSpace, HyperVCodes.MsvmFailed, HyperVCodeFamily.Msvm,
                $"no space left on the export volume of {exportDirectory}; the partial export was removed", exception),
        _ => null,
    };

    // Most write failures carry errno in HResult; a failed preallocation (FileStream with a preallocation size, which the
    // copier uses) does not: .NET raises IOException "... because the disk was full." without it, so its text is the
    // only sign left.
    private static bool IsDiskFull(IOException io) =>
        io.HResult is Enospc or Edquot or ErrorHandleDiskFull or ErrorDiskFull
        || io.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase);
}
