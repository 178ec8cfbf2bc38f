using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Tests.Fakes;

namespace HvFleet.Orchestrator.Tests.Fanout;

public sealed class FleetEngineExportTests
{
    [Fact]
    public async Task StartExport_AfterSnapshot_ExportsEachSnapshotToItsExpandedDirectory()
    {
        await using var harness = new EngineHarness();
        var hv1 = harness.Fleet.Add("hv1", "", "sql", "web");
        harness.Fleet.Add("hv2", "", "sql").FailJobs = true;
        var engine = harness.NewEngine();
        var snapshot = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        var export = await EngineHarness.FinishedAsync(engine, await engine.StartExportAsync(new FleetExportRequest
        {
            SnapshotOperationId = snapshot.Id,
            DestinationTemplate = "/exports/{host}/{date}/{operation}/{target}",
            Policy = Policies.Fast,
        }, CancellationToken.None));

        Assert.Equal(OperationState.Succeeded, export.State);
        Assert.Equal(OperationKind.Export, export.Kind);
        Assert.Equal(snapshot.Id, export.SourceOperationId);
        Assert.Equal(2, export.Tasks.Count);
        string date = export.CreatedAt.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [$"/exports/hv1/{date}/{export.Id}/sql", $"/exports/hv1/{date}/{export.Id}/web"],
            hv1.ExportDirectories.Order());
        Assert.All(export.Tasks, t =>
        {
            Assert.Equal(TargetKind.Snapshot, t.TargetKind);
            Assert.Contains(t.TargetId, snapshot.Tasks.SelectMany(s => s.SnapshotIds));
        });
    }

    [Fact]
    public async Task StartExport_TemplateWithoutTargetForSeveralSnapshots_RefusedBeforeAnything()
    {
        await using var harness = new EngineHarness();
        var hv1 = harness.Fleet.Add("hv1", "", "sql", "web");
        var engine = harness.NewEngine();
        var snapshot = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        var result = await engine.StartExportAsync(new FleetExportRequest
        {
            SnapshotOperationId = snapshot.Id,
            DestinationTemplate = "/exports/{host}",
        }, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(FleetErrorCode.InvalidArgument, result.Error.Code);
        Assert.Contains("{target}", result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(hv1.ExportDirectories);
    }

    [Theory]
    [InlineData("", "destination_template is required")]
    [InlineData("/x/{hots}", "unknown placeholder '{hots}'")]
    public async Task StartExport_BadTemplate_RefusedNamingTheProblem(string template, string expected)
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql");
        var engine = harness.NewEngine();
        var snapshot = await EngineHarness.FinishedAsync(engine, await engine.StartSnapshotAsync(
            new FleetSnapshotRequest { Hosts = HostSelector.Everything, Policy = Policies.Fast }, CancellationToken.None));

        var result = await engine.StartExportAsync(new FleetExportRequest { SnapshotOperationId = snapshot.Id, DestinationTemplate = template },
            CancellationToken.None);

        Assert.Contains(expected, result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartExport_UnknownOperation_NotFound()
    {
        await using var harness = new EngineHarness();
        harness.Fleet.Add("hv1", "", "sql");
        var engine = harness.NewEngine();

        var result = await engine.StartExportAsync(new FleetExportRequest { SnapshotOperationId = "nope", DestinationTemplate = "/e/{host}" },
            CancellationToken.None);

        Assert.Equal(FleetErrorCode.NotFound, result.Error!.Code);
    }
}
