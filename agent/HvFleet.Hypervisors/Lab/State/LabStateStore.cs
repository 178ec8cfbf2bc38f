using System.Text.Json;

namespace HvFleet.Hypervisors.Lab.State;

/// <summary>
/// Reads and writes the lab's state file. Writes are atomic (temporary file, flushed to disk,
/// then renamed over the old one, and the directory flushed), so a crash leaves either the old
/// or the new state; the old one is kept beside it as <see cref="LabPaths.PreviousStateFile"/>.
/// </summary>
internal static class LabStateStore
{
    /// <summary>
    /// The state in <paramref name="path"/>, or null when there is no such file. Throws
    /// <see cref="InvalidDataException"/> saying what is wrong when the file cannot be read or is not a valid state.
    /// </summary>
    public static LabHostState? TryLoad(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        LabHostState? state;
        try
        {
            using var stream = File.OpenRead(path);
            state = JsonSerializer.Deserialize(stream, LabJsonContext.Default.LabHostState);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"it is not valid JSON ({ex.Message})", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"it cannot be read ({ex.Message})", ex);
        }

        if (state is null)
        {
            throw new InvalidDataException("it is empty (null)");
        }

        if (state.Version != LabHostState.CurrentVersion)
        {
            throw new InvalidDataException($"it has version {state.Version}; this build reads version {LabHostState.CurrentVersion}");
        }

        if (state.Vms is null || state.Collections is null || state.Snapshots is null)
        {
            throw new InvalidDataException("its vms, collections or snapshots list is missing (null)");
        }

        if (state.Vms.Any(v => string.IsNullOrWhiteSpace(v?.Id)) || state.Snapshots.Any(s => string.IsNullOrWhiteSpace(s?.Id)))
        {
            throw new InvalidDataException("a VM or snapshot in it has no id");
        }

        return state;
    }

    public static async Task SaveAsync(LabPaths paths, LabHostState state, CancellationToken cancellationToken)
    {
        string temp = paths.StateFile + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await JsonSerializer.SerializeAsync(stream, state, LabJsonContext.Default.LabHostState, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(paths.StateFile))
            {
                KeepPrevious(paths);
            }

            File.Move(temp, paths.StateFile, overwrite: true);
            LabDirectorySync.Flush(paths.Root);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes a JSON document to a new file (callers write inside a staging folder that is renamed at the end).</summary>
    public static async Task WriteJsonAsync<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
        await JsonSerializer.SerializeAsync(stream, value, typeInfo, cancellationToken);
    }

    /// <summary>
    /// Copies the current state file over the previous version, atomically as well (a copy, not a
    /// rename: the current file never disappears, even for a moment).
    /// </summary>
    private static void KeepPrevious(LabPaths paths)
    {
        string temp = paths.PreviousStateFile + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            File.Copy(paths.StateFile, temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, paths.PreviousStateFile, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
