using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Hosting;

/// <summary>Fills the defaults that depend on the platform and on the data directory.</summary>
internal sealed class AgentOptionsDefaults : IPostConfigureOptions<AgentOptions>
{
    public void PostConfigure(string? name, AgentOptions options)
    {
        options.Backend ??= OperatingSystem.IsWindows() ? AgentBackend.HyperV : AgentBackend.Lab;
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            options.DataDirectory = DefaultDataDirectory();
        }

        if (string.IsNullOrWhiteSpace(options.LabDirectory))
        {
            options.LabDirectory = Path.Combine(options.DataDirectory, "lab");
        }

        if (options.ExportRoots.Count == 0)
        {
            options.ExportRoots.Add(Path.Combine(options.DataDirectory, "exports"));
        }
    }

    /// <summary>The platform's place for a service's data.</summary>
    public static string DefaultDataDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "HvFleet", "Agent");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var baseDirectory = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(baseDirectory, "hvfleet-agent");
    }
}
