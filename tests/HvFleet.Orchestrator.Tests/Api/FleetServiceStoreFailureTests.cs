using Grpc.Health.V1;
using Grpc.HealthCheck;
using HvFleet.Orchestrator.Api;
using HvFleet.Orchestrator.Fanout;
using HvFleet.Orchestrator.Hosting;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Store;
using HvFleet.Orchestrator.Tests.Fakes;
using HvFleet.Protos.Orchestrator.V1;
using Grpc.Core;
using HvFleet.Security.Hosting;
using HvFleet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Tests.Api;

/// <summary>The operation store's volume is full when a Fleet call writes (a small tmpfs; tests run as root, as CI does).</summary>
public sealed class FleetServiceStoreFailureTests
{
    [Fact]
    public async Task StartFleetSnapshot_StoreFull_ResourceExhaustedNamingTheFileAndNotServingUntilAWriteSucceeds()
    {
        using var volume = SmallTmpfs.Mount(4 * 1024 * 1024);
        var fleet = new FakeAgentFleet();
        fleet.Add("hv1", "", "sql");
        using var fatal = new OrchestratorFatalErrors();
        using var store = new SqliteOperationStore(Options.Create(new SqliteOperationStoreOptions { DataDirectory = volume.Path }), TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        var health = new FleetHealth(new HealthServiceImpl());
        await using var engine = EngineFactory.Create(new StaticFleetInventory(fleet.Inventory()), fleet, store, TimeProvider.System,
            new OrchestratorOptions { ControlCallTimeout = TimeSpan.FromSeconds(5) }, fatal);
        await using var server = await LoopbackGrpcServer.StartAsync(
            services => services.AddSingleton(engine).AddSingleton(TimeProvider.System).AddSingleton<IOperationStore>(store)
                .AddSingleton(health).AddSingleton(fatal).AddGrpc().AddFleetService(),
            app => app.MapFleetService());
        using var channel = server.CreateChannel();
        var client = new Fleet.FleetClient(channel);
        await client.ListOperationsAsync(new ListOperationsRequest());
        health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        var request = new StartFleetSnapshotRequest { Hosts = new HostSelector { All = true }, RequestId = "full-1" };

        volume.Fill();
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.StartFleetSnapshotAsync(request).ResponseAsync);
        health.TryGetStatus("", out var whileFull);
        volume.Free();
        var started = await client.StartFleetSnapshotAsync(request);
        health.TryGetStatus("", out var afterwards);

        Assert.Equal((StatusCode.ResourceExhausted, $"operation store: no space left on device at {Path.Combine(volume.Path, "hvfleet.db")}"),
            (refused.StatusCode, refused.Status.Detail));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, whileFull);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, afterwards);
        Assert.False(string.IsNullOrEmpty(started.Operation.Id));
        Assert.Null(fatal.Message);
        await engine.WaitAsync(started.Operation.Id, CancellationToken.None).WaitAsync(Wait.Timeout);
    }
}
