namespace HvFleet.Security.Hosting;

/// <summary>The rules a place applies on top of <see cref="HostPort"/>'s syntax.</summary>
public sealed record HostPortOptions
{
    /// <summary>An endpoint to reach (an agent in the inventory, an orchestrator): port 1-65535, a host name or an IP address.</summary>
    public static HostPortOptions Remote { get; } = new();

    /// <summary>A local address to listen on: port 0 asks for any free port, and <c>*</c> means every address.</summary>
    public static HostPortOptions Listen { get; } = new() { AllowPortZero = true, AllowWildcard = true };

    /// <summary>Port 0 (any free port) is accepted.</summary>
    public bool AllowPortZero { get; init; }

    /// <summary>The host <c>*</c> (every address) is accepted.</summary>
    public bool AllowWildcard { get; init; }
}
