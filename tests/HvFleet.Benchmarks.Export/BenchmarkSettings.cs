namespace HvFleet.Benchmarks.Export;

/// <summary>Command-line settings of the export benchmark.</summary>
internal sealed record BenchmarkSettings(string? Directory, long SizeMiB, int Runs, bool Keep)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        string? directory = null;
        long size = 1024;
        int runs = 2;
        bool keep = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dir":
                    directory = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--size-mib":
                    size = long.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--runs":
                    runs = int.Parse(Value(args, ref i), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--quick":
                    // Smoke mode for the test command: small disks, one run; its figures mean little.
                    size = 24;
                    runs = 1;
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'. Use --dir DIR, --size-mib N, --runs N, --keep, --quick.");
            }
        }

        if (size < 6 || runs < 1)
        {
            throw new ArgumentException("--size-mib must be at least 6 and --runs at least 1.");
        }

        return new BenchmarkSettings(directory, size, runs, keep);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
