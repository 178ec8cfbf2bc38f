using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace HvFleet.Orchestrator.Fanout;

/// <summary>
/// Lease owner names (<c>machine/pid/random</c>) and whether an owner is certainly gone, so that a restarted orchestrator
/// takes over a crashed predecessor's operations at once instead of waiting for its leases to expire. An owner is gone
/// only when it ran on this machine and either no process has its id any more, or the id is this process's own (a
/// container restarts as the same pid) while no engine of this process carries that name. Anything else (another
/// machine, a live process, a name of another shape) waits for the lease to expire as before.
/// </summary>
internal static class LeaseOwners
{
    private static readonly ConcurrentDictionary<string, bool> LiveInThisProcess = new(StringComparer.Ordinal);

    /// <summary>A fresh owner name for an engine of this process, registered as alive until <see cref="Retire"/>.</summary>
    public static string Create()
    {
        string owner = string.Create(CultureInfo.InvariantCulture,
            $"{Environment.MachineName}/{Environment.ProcessId}/{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}");
        LiveInThisProcess[owner] = true;
        return owner;
    }

    /// <summary>The engine named <paramref name="owner"/> has stopped.</summary>
    public static void Retire(string owner) => LiveInThisProcess.TryRemove(owner, out _);

    /// <summary>True when <paramref name="owner"/> certainly no longer runs (see the class remarks).</summary>
    public static bool IsGone(string owner) => IsGone(owner, Environment.MachineName, Environment.ProcessId, ProcessExists);

    internal static bool IsGone(string owner, string machine, int currentProcessId, Func<int, bool> processExists)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var parts = owner.Split('/');
        if (parts.Length != 3 || !string.Equals(parts[0], machine, StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int processId))
        {
            return false;
        }

        return processId == currentProcessId ? !LiveInThisProcess.ContainsKey(owner) : !processExists(processId);
    }

    private static bool ProcessExists(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no process with that id
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
