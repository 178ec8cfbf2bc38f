namespace HvFleet.Security.Pki;

/// <summary>
/// Writes a set of PEM files all-or-nothing: every target is checked first, each file is written
/// to a temporary name (owner-only from creation where the OS allows) and renamed into place.
/// </summary>
internal static class PemFileWriter
{
    public static string? CheckTargets(IEnumerable<string> paths, bool force)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                return $"'{path}' is a directory";
            }

            if (!force && File.Exists(path))
            {
                return $"'{path}' already exists (use --force to overwrite)";
            }
        }

        return null;
    }

    public static async Task WriteAllAsync(IReadOnlyList<(string Path, string Content, bool Secret)> files, CancellationToken cancellationToken)
    {
        var temporary = new List<string>();
        try
        {
            foreach (var (path, content, secret) in files)
            {
                var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
                temporary.Add(temp);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = secret
                        ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                        : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                }

                await using (var stream = new FileStream(temp, options))
                await using (var writer = new StreamWriter(stream))
                {
                    await writer.WriteAsync(content.AsMemory(), cancellationToken);
                }
            }

            for (var i = 0; i < files.Count; i++)
            {
                File.Move(temporary[i], files[i].Path, overwrite: true);
            }
        }
        finally
        {
            foreach (var temp in temporary)
            {
                File.Delete(temp);
            }
        }
    }
}
