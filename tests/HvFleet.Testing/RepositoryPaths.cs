namespace HvFleet.Testing;

/// <summary>Files of the repository under test, found from the test assembly's folder upwards.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HvFleet.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("HvFleet.slnx not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    public static string Deploy(params string[] parts) => Path.Combine([Root, "deploy", .. parts]);
}
