using System.Diagnostics;

namespace HvFleet.Cli.Tests.Functional;

/// <summary><c>hvfleet serve</c> as a child process meeting a fatal store error: one line naming the cause and exit 1, so
/// that systemd's Restart=on-failure brings it back (not 0, not an abort).</summary>
public sealed class ServeFatalErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hvfleet-serve-fatal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Serve_DamagedOperationsDatabase_PrintsOneLineNamingTheFileAndExits1()
    {
        string inventory = Path.Combine(_dir, "inventory.yaml");
        await File.WriteAllTextAsync(inventory, "hosts: []\n");
        string data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(data);
        string database = Path.Combine(data, "hvfleet.db");
        await File.WriteAllBytesAsync(database, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 11 + 1))]);
        var start = new ProcessStartInfo(Environment.ProcessPath!,
            [Path.Combine(AppContext.BaseDirectory, "hvfleet.dll"), "serve", "--listen", "127.0.0.1:0", "--insecure-loopback-tcp", "--agents-insecure",
                "--inventory", inventory, "--data-dir", data])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            string error = await process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            await output;

            Assert.Equal(ExitCodes.Failed, process.ExitCode);
            string fatal = Assert.Single(error.Split('\n'), line => line.StartsWith("hvfleet: fatal: ", StringComparison.Ordinal));
            Assert.Equal(
                $"hvfleet: fatal: operation store: the database file is damaged (file is not a database) at {database}; move it aside to start with an empty history",
                fatal.TrimEnd('\r'));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
