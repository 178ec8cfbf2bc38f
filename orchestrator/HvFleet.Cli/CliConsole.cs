using Spectre.Console;

namespace HvFleet.Cli;

/// <summary>Where the CLI writes: plain writers for data (JSON, errors) and a Spectre console for humans.</summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            Ansi.Profile.Width = 160;
        }
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>True when live progress bars can be drawn (a terminal, not a pipe or a test).</summary>
    public bool Interactive { get; }

    public IAnsiConsole Ansi { get; }

    public static CliConsole FromProcess() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);

    public void WriteError(string message) => Error.WriteLine($"hvfleet: {message}");
}
