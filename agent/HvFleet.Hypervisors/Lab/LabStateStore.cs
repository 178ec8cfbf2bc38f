using System.Text.Json;

namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// Reads and writes the lab's state file. Writes are atomic (temporary file, flushed to disk,
/// then renamed over the old one), so a crash leaves either the old or the new state.
/// </summary>
internal static class LabStateStore
{
    public static LabHostState? TryLoad(LabPaths paths)
    {
        if (!File.Exists(paths.StateFile))
        {
            return null;
        }

        using var stream = File.OpenRead(paths.StateFile);
        var state = JsonSerializer.Deserialize(stream, LabJsonContext.Default.LabHostState)
            ?? throw new InvalidDataException($"Lab state file '{paths.StateFile}' is empty.");
        if (state.Version != LabHostState.CurrentVersion)
        {
            throw new InvalidDataException($"Lab state file '{paths.StateFile}' has version {state.Version}; this build reads version {LabHostState.CurrentVersion}.");
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

            File.Move(temp, paths.StateFile, overwrite: true);
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
}
