using HvFleet.Interop.Tests.Infrastructure;

namespace HvFleet.Interop.Tests.Clients;

/// <summary>
/// Runs an independent interop client script once against our interop server (started in this
/// process) and keeps its per-case report for the tests of one class.
/// </summary>
public abstract class InteropClientRun : IAsyncLifetime
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(4);

    private ScriptReport? _report;

    internal ScriptReport Report => _report ?? throw new InvalidOperationException("The client script has not run.");

    /// <summary>Whether the server listens with TLS (ALPN h2) rather than h2c.</summary>
    protected virtual bool UseTls => false;

    public async Task InitializeAsync()
    {
        // With TLS the server writes its self-signed certificate for the client to trust.
        var certificateFile = UseTls ? Path.Combine(Path.GetTempPath(), $"hvfleet-interop-{Guid.NewGuid():N}.pem") : null;
        try
        {
            var options = new InteropServerOptions { Port = 0, UseTls = UseTls, TlsCertificateOutput = certificateFile };
            await using var server = await InProcessInteropServer.StartAsync(options, CancellationToken.None);
            var (fileName, workingDirectory, arguments) = Command(server.Port, certificateFile);
            await using var process = ExternalProcess.Start(fileName, workingDirectory, arguments);
            var exitCode = await process.WaitForExitAsync(ScriptTimeout, CancellationToken.None);
            _report = ScriptReport.Parse(process.Output, exitCode);
        }
        finally
        {
            if (certificateFile is not null)
            {
                File.Delete(certificateFile);
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The script's command line for a server on <paramref name="port"/> (and its certificate with TLS).</summary>
    protected abstract (string FileName, string WorkingDirectory, string[] Arguments) Command(int port, string? certificateFile);
}
