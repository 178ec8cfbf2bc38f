namespace HvFleet.Cli.Tests;

/// <summary>Runs the CLI in-process with captured output.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int code = await CliApplication.RunAsync(args, new CliConsole(output, error, interactive: false), timeout.Token);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
