using HvFleet.Cli.Demo;

namespace HvFleet.Cli.Tests.Functional;

/// <summary>Three real lab agents and a real orchestrator on loopback, over mutual TLS with an on-the-fly CA (the CLI presents an operator certificate); lab-03's checkpoints always fail (lab fault injection).</summary>
public sealed class LabFleetFixture : IAsyncLifetime
{
    internal LabFleet Fleet { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Fleet = await LabFleet.StartAsync(3, TimeSpan.Zero, i => i == 2
            ? new Dictionary<string, string?>
            {
                ["Lab:OperationFaults:CreateSnapshot:FailureProbability"] = "1",
            }
            : new Dictionary<string, string?>(), mutualTls: true, CancellationToken.None);

    public async Task DisposeAsync() => await Fleet.DisposeAsync();
}
