using HvFleet.Cli.Demo;

namespace HvFleet.Cli.Tests.Functional;

/// <summary>Two lab agents and an orchestrator in plaintext on owner-only unix sockets (the lab fleet without mutual TLS).
/// The fleet's folder is opened to other users for traversal only (0755), so that a test can show what another uid gets
/// from the sockets themselves.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LocalFleetFixture : IAsyncLifetime
{
    internal LabFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Fleet = await LabFleet.StartAsync(2, TimeSpan.Zero, agentSettings: null, mutualTls: false, CancellationToken.None);
        File.SetUnixFileMode(Fleet.Root.FullName, (UnixFileMode)0x1ED);
    }

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}
