using HvFleet.Orchestrator.Api;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Protos.Orchestrator.V1;
using Grpc.Core;
using Grpc.Net.Client;
using HvFleet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HvFleet.Orchestrator.Tests.Api;

public sealed class FleetServiceTests : IAsyncLifetime, IAsyncDisposable
{
    private readonly EngineHarness _harness = new();
    private LoopbackGrpcServer _server = null!;
    private Fleet.FleetClient _client = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _harness.Fleet.Add("hv1", "csv-a", "sql", "web");
        _harness.Fleet.Add("hv2", "csv-b", "sql").FailJobs = true;
        var engine = _harness.NewEngine();
        _server = await LoopbackGrpcServer.StartAsync(
            services => services.AddSingleton(engine).AddSingleton(TimeProvider.System).AddGrpc().AddFleetService(),
            app => app.MapFleetService());
        _channel = _server.CreateChannel();
        _client = new Fleet.FleetClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
        await _harness.DisposeAsync();
    }

    // Satisfies CA1001; IAsyncLifetime.DisposeAsync above does the work.
    ValueTask IAsyncDisposable.DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task StartFleetSnapshot_ThenWatch_WholeFirstAndTerminalLast()
    {
        var started = await _client.StartFleetSnapshotAsync(new StartFleetSnapshotRequest
        {
            Hosts = new HostSelector { All = true },
            Policy = new HvFleet.Protos.Orchestrator.V1.Policy { MaxRetries = -1 },
        });

        using var watch = _client.WatchOperation(new WatchOperationRequest { OperationId = started.Operation.Id });
        var events = new List<OperationEvent>();
        await foreach (var update in watch.ResponseStream.ReadAllAsync())
        {
            events.Add(update);
        }

        Assert.NotNull(events[0].Operation);
        var final = events[^1].Operation;
        Assert.Equal(OperationState.PartiallyFailed, final.State);
        Assert.Equal(3, final.Tasks.Count);
        Assert.Equal(2, final.Summary.Succeeded);
        Assert.Equal(1, final.Summary.Failed);
        Assert.Equal(32768u, final.Tasks.Single(t => t.HostName == "hv2").Error.HypervCode);
        Assert.NotNull(final.FinishedAt);
        Assert.Equal(HvFleet.Protos.Agent.V1.SnapshotType.Recovery, final.SnapshotType);

        var listed = await _client.ListOperationsAsync(new ListOperationsRequest { State = OperationState.PartiallyFailed });
        Assert.Equal(final.Id, Assert.Single(listed.Operations).Id);
        var got = await _client.GetOperationAsync(new GetOperationRequest { OperationId = final.Id });
        Assert.Equal(final.Tasks, got.Operation.Tasks);
    }

    [Fact]
    public async Task StartFleetSnapshot_DryRun_PlannedWithTasks()
    {
        var response = await _client.StartFleetSnapshotAsync(new StartFleetSnapshotRequest
        {
            Hosts = new HostSelector { Labels = { ["storage"] = "csv-a" } },
            DryRun = true,
        });

        Assert.Equal(OperationState.Planned, response.Operation.State);
        Assert.Equal(["sql", "web"], response.Operation.Tasks.Select(t => t.TargetName));
        Assert.Equal(0, _harness.Fleet.Agents.Sum(a => a.MutatingCalls));
    }

    [Fact]
    public async Task StartFleetSnapshot_Invalid_InvalidArgumentNamingTheField()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _client.StartFleetSnapshotAsync(new StartFleetSnapshotRequest
        {
            Hosts = new HostSelector { Names = { "nope" } },
        }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("hosts.names", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOperation_Unknown_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await _client.GetOperationAsync(new GetOperationRequest { OperationId = "x" }));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task ListHosts_Refresh_ReachabilityBackendLabels()
    {
        var response = await _client.ListHostsAsync(new ListHostsRequest { Refresh = true });

        Assert.Equal(["hv1", "hv2"], response.Hosts.Select(h => h.Name));
        Assert.All(response.Hosts, h => Assert.Equal((Reachability.Reachable, HvFleet.Protos.Agent.V1.Backend.Lab), (h.Reachability, h.Backend)));
        Assert.Equal("csv-a", response.Hosts[0].StorageKey);
    }
}
