namespace HvFleet.Agent.Jobs;

/// <summary>Free space of the volume an export directory would be written to, checked before a job exists.</summary>
internal static class ExportVolumeSpace
{
    /// <summary>Less than this is "no space": not even one block of the manifest fits.</summary>
    public const long MinimumFreeBytes = 4096;

    /// <summary>
    /// Bytes free to this process on the volume of <paramref name="directory"/> (of its nearest
    /// existing ancestor when it does not exist yet); null when the volume cannot be asked.
    /// </summary>
    public static long? AvailableBytes(string directory)
    {
        try
        {
            var existing = Path.GetFullPath(directory);
            while (!Directory.Exists(existing))
            {
                existing = Path.GetDirectoryName(existing);
                if (existing is null)
                {
                    return null;
                }
            }

            // On Unix DriveInfo asks statvfs about the path itself, so any directory of the volume will do.
            return new DriveInfo(existing).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
