using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Store;
using HvFleet.Orchestrator.Tests.Fakes;

namespace HvFleet.Orchestrator.Tests.Fanout;

/// <summary>Bidirectional-control characters (RTL override and friends) in names, templates and request ids are refused.</summary>
public sealed class FleetEngineRequestTextTests
{
    [Fact]
    public async Task StartSnapshot_BidiControlsInNameTargetAndRequestId_InvalidArgumentNamingEachField()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql");
        var engine = harness.NewEngine();

        var result = await engine.StartSnapshotAsync(new FleetSnapshotRequest
        {
            Hosts = HostSelector.Everything,
            Targets = new TargetSelector { Kind = TargetSelectorKind.Collections, Names = ["sql", "w\u2067eb"] },
            Name = "nightly\u202Egpj.exe",
            RequestId = "req\u200F",
            Policy = Policies.Fast,
        }, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(FleetErrorCode.InvalidArgument, result.Error.Code);
        Assert.Contains("name: contains the bidirectional control character U+202E at position 7", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("request_id: contains the bidirectional control character U+200F", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("targets.names[1]: contains the bidirectional control character U+2067", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(await engine.ListAsync(new OperationQuery { Limit = 10 }, CancellationToken.None));
    }

    [Fact]
    public async Task StartExport_BidiControlInDestinationTemplate_InvalidArgumentNamingIt()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql");
        var engine = harness.NewEngine();
        var snapshot = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        var result = await engine.StartExportAsync(new FleetExportRequest
        {
            SnapshotOperationId = snapshot.Id,
            DestinationTemplate = "/exports/{host}/\u202Dfdp.{target}",
            Policy = Policies.Fast,
        }, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(FleetErrorCode.InvalidArgument, result.Error.Code);
        Assert.Contains("destination_template: contains the bidirectional control character U+202D", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Fleet.Agents, a => !a.ExportDirectories.IsEmpty);
    }
}
