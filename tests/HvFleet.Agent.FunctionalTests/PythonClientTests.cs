using System.Diagnostics;

namespace HvFleet.Agent.FunctionalTests;

/// <summary>The API used from another language: Debian's grpcio runs snapshot then export against a real agent.</summary>
public class PythonClientTests
{
    [Fact]
    public async Task GrpcioClient_SnapshotThenExport_Succeeds()
    {
        await using var agent = await TestAgent.StartAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "python", "agent_client.py");
        var protoRoot = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "protos"));
        var start = new ProcessStartInfo("/usr/bin/python3", [script, $"{agent.Address.Host}:{agent.Address.Port}", protoRoot, agent.ExportRoot])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("ALL OK", output, StringComparison.Ordinal);
    }
}
