using System.Globalization;

namespace HvFleet.Orchestrator.Benchmarks;

/// <summary>What the machine was doing: figures from a shared machine mean little without it.</summary>
internal static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>CPU time of this process's waited-for children and their waited-for descendants (Linux
    /// /proc/self/stat cutime + cstime), or null elsewhere.</summary>
    public static TimeSpan? ChildrenCpu()
    {
        if (!File.Exists("/proc/self/stat"))
        {
            return null;
        }

        // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are fields 16 and 17.
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[16 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[17 - 3], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>The type of the file system that holds <paramref name="path"/> (Linux /proc/mounts), or "unknown".</summary>
    public static string FileSystemType(string path)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return "unknown";
        }

        string full = Path.GetFullPath(path);
        var best = ("", "unknown");
        foreach (string line in File.ReadLines("/proc/mounts"))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 2 && IsUnder(full, fields[1]) && fields[1].Length >= best.Item1.Length)
            {
                best = (fields[1], fields[2]);
            }
        }

        return best.Item2;

        static bool IsUnder(string path, string mount) =>
            mount == "/" || path == mount || path.StartsWith(mount + "/", StringComparison.Ordinal);
    }

    // USER_HZ: 100 on every Linux architecture .NET runs on (sysconf(_SC_CLK_TCK)).
    private const int ClockTicksPerSecond = 100;
}
