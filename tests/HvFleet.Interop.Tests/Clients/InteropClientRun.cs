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

    public async Task InitializeAsync()
    {
        await using var server = await InProcessInteropServer.StartAsync(CancellationToken.None);
        var (fileName, workingDirectory, arguments) = Command(server.Port);
        await using var process = ExternalProcess.Start(fileName, workingDirectory, arguments);
        var exitCode = await process.WaitForExitAsync(ScriptTimeout, CancellationToken.None);
        _report = ScriptReport.Parse(process.Output, exitCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The script's command line for a server on <paramref name="port"/>.</summary>
    protected abstract (string FileName, string WorkingDirectory, string[] Arguments) Command(int port);
}
