namespace HvFleet.Interop.Tests.Infrastructure;

/// <summary>Locates the repository (the folder holding HvFleet.slnx) and the interop scripts in it.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string NodeDirectory => Path.Combine(Root, "tests", "interop", "node");

    public static string PythonDirectory => Path.Combine(Root, "tests", "interop", "python");

    /// <summary>Debian's interpreter: grpcio is installed for it, not for a python3 earlier on PATH.</summary>
    public const string SystemPython = "/usr/bin/python3";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HvFleet.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"HvFleet.slnx not found above {AppContext.BaseDirectory}.");
    }
}
