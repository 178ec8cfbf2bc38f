using System.CommandLine;

namespace HvFleet.Cli.Tests.Commands;

public sealed class ParsingTests
{
    private static readonly RootCommand Root = CliApplication.Create(new CliConsole(TextWriter.Null, TextWriter.Null, interactive: false));

    [Theory]
    [InlineData("select hosts with --all, --host or --label", "snapshot")]
    [InlineData("--collection and --vm cannot be combined", "snapshot", "--all", "--collection", "a", "--vm", "b")]
    [InlineData("'5x' is not a duration", "snapshot", "--all", "--host-timeout", "5x")]
    [InlineData("--label 'rack' must be key=value", "snapshot", "--label", "rack")]
    [InlineData("--max-jobs-per-host must not be negative", "snapshot", "--all", "--max-jobs-per-host", "-1")]
    [InlineData("--dest", "export", "--operation", "abc")]
    [InlineData("bogus", "ops", "list", "--state", "bogus")]
    [InlineData("--hosts must be between 1 and 200", "demo", "--hosts", "0")]
    [InlineData("json", "hosts", "--output", "yaml")]
    public void Parse_BadInput_ErrorNamesTheProblem(string expected, params string[] args)
    {
        var result = Root.Parse(args);

        Assert.NotEmpty(result.Errors);
        Assert.Contains(result.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("snapshot", "--all", "--type", "standard", "--host-timeout", "90s", "--wave-size", "10", "--dry-run", "--output", "json")]
    [InlineData("snapshot", "--host", "hv1", "--host", "hv2", "--collection", "sql", "--wait")]
    [InlineData("snapshot", "--label", "site=ams", "--vm", "db01", "--failure-budget", "0", "--cleanup-on-failure")]
    [InlineData("export", "--operation", "abc", "--dest", "/e/{host}/{date}/{target}", "--wait")]
    [InlineData("ops", "list", "--state", "partially-failed", "--limit", "5")]
    [InlineData("ops", "retry", "abc", "--wait", "--max-retries", "0")]
    [InlineData("serve", "--listen", "0.0.0.0:7600", "--inventory", "fleet.yaml", "--data-dir", "/var/lib/hvfleet")]
    [InlineData("demo", "--hosts", "5", "--lab-latency", "250ms", "--export")]
    public void Parse_ValidCommandLines_NoErrors(params string[] args) =>
        Assert.Empty(Root.Parse(args).Errors);

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("1.5m", 90)]
    [InlineData("2h", 7200)]
    [InlineData("00:01:05", 65)]
    public void DurationParser_Forms_Seconds(string text, double seconds)
    {
        Assert.True(HvFleet.Cli.Commands.DurationParser.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 3);
    }

    [Fact]
    public async Task Run_ParseError_ExitCode1WithMessageOnStderr()
    {
        var run = await CliRun.RunAsync("snapshot", "--collection", "x");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("select hosts", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OrchestratorDown_ExitCode1Unavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliRun.RunAsync("ops", "list", "--orchestrator", $"127.0.0.1:{port}");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("hvfleet: Unavailable", run.Error, StringComparison.Ordinal);
    }
}
