namespace HvFleet.Interop.Tests.Infrastructure;

/// <summary>The interop scripts in the repository (<see cref="HvFleet.Testing.RepositoryPaths"/>).</summary>
internal static class RepoPaths
{
    public static string Root => HvFleet.Testing.RepositoryPaths.Root;

    public static string NodeDirectory => Path.Combine(Root, "tests", "interop", "node");

    public static string PythonDirectory => Path.Combine(Root, "tests", "interop", "python");

    /// <summary>Debian's interpreter: grpcio is installed for it, not for a python3 earlier on PATH.</summary>
    public const string SystemPython = "/usr/bin/python3";
}
