using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace HvFleet.Cli.Tests.Functional;

/// <summary><c>hvfleet serve</c> as a real child process, as systemd runs it: READY=1 on the notify socket once it serves,
/// health SERVING on the health-only listener, STOPPING=1 and exit 0 on SIGTERM.</summary>
public sealed class ServeProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hvfleet-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Serve_UnderSystemdNotify_ReadyThenStoppingAndExit0OnSigterm()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // systemd's notify socket exists on Linux only; the notifier is inert elsewhere.
        }

        string socketPath = Path.Combine(_dir, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        string inventory = Path.Combine(_dir, "inventory.yaml");
        await File.WriteAllTextAsync(inventory, "hosts: []\n");
        var start = new ProcessStartInfo(Environment.ProcessPath!,
            [Path.Combine(AppContext.BaseDirectory, "hvfleet.dll"), "serve", "--listen", "127.0.0.1:0", "--insecure-loopback-tcp", "--agents-insecure",
                "--health-listen", "127.0.0.1:0", "--inventory", inventory, "--data-dir", Path.Combine(_dir, "data")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NOTIFY_SOCKET"] = socketPath;
        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            string ready = await ReceiveAsync(notify, timeout.Token);
            Assert.Contains("READY=1", ready, StringComparison.Ordinal);

            string? healthAddress = null;
            while (healthAddress is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                const string prefix = "health (grpc.health.v1 only, plaintext) on ";
                healthAddress = line.StartsWith(prefix, StringComparison.Ordinal) ? line[prefix.Length..] : null;
            }

            var health = await CliRun.RunAsync("health", "--address", healthAddress!);
            Assert.Equal((ExitCodes.Success, "SERVING"), (health.ExitCode, health.Output.Trim()));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(timeout.Token);
            }

            string stopping = await ReceiveAsync(notify, timeout.Token);
            await process.WaitForExitAsync(timeout.Token);

            Assert.Contains("STOPPING=1", stopping, StringComparison.Ordinal);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        int received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}
