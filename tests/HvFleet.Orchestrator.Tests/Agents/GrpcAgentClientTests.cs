using System.Net;
using System.Net.Sockets;
using HvFleet.Orchestrator.Agents;
using HvFleet.Orchestrator.Agents.Grpc;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace HvFleet.Orchestrator.Tests.Agents;

public sealed class GrpcAgentClientTests : IAsyncLifetime, IDisposable
{
    private readonly FakeAgentFleet _fleet = new();
    private readonly GrpcAgentConnector _connector = new(Options.Create(new AgentConnectionOptions { UseTls = false }), TimeProvider.System);
    private LoopbackAgents _servers = null!;
    private FakeAgent _agent = null!;

    public async Task InitializeAsync()
    {
        _agent = _fleet.Add("hv1", "", "sql", "web");
        _servers = await LoopbackAgents.StartAsync(_fleet);
    }

    public async Task DisposeAsync()
    {
        _agent.ReleaseAll();
        await _servers.DisposeAsync();
    }

    public void Dispose() => _connector.Dispose();

    [Fact]
    public async Task HealthAndInfo_LabAgent_ServingLab()
    {
        var client = _connector.GetClient(_servers.Hosts[0]);

        Assert.Equal(AgentHealth.Serving, await client.CheckHealthAsync(CancellationToken.None));
        var info = await client.GetHostInfoAsync(CancellationToken.None);
        Assert.Equal(("hv1", "lab"), (info.HostName, info.Backend));
    }

    [Fact]
    public async Task CreateSnapshot_OverGrpc_StreamsToCompletedWithTheRequestId()
    {
        var client = _connector.GetClient(_servers.Hosts[0]);
        var collection = (await client.ListCollectionsAsync(CancellationToken.None)).Single(c => c.Name == "web");

        var states = new List<RemoteJob>();
        await foreach (var job in client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = collection.Id, RequestId = "op-1/hv1/x" }, CancellationToken.None))
        {
            states.Add(job);
        }

        Assert.Equal(AgentJobState.Completed, states[^1].State);
        Assert.Equal($"snap-{states[^1].Id}", Assert.Single(states[^1].SnapshotIds));
        Assert.Equal("op-1/hv1/x", states[^1].RequestId);
        Assert.Equal(1, _agent.ExecutionsByRequestId["op-1/hv1/x"]);
    }

    [Fact]
    public async Task CreateSnapshot_JobFails_FailureIsDataWithHyperVCode()
    {
        _agent.FailJobs = true;
        var client = _connector.GetClient(_servers.Hosts[0]);

        RemoteJob? last = null;
        await foreach (var job in client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = "hv1-sql-id", RequestId = "r-fail" }, CancellationToken.None))
        {
            last = job;
        }

        Assert.Equal(AgentJobState.Failed, last!.State);
        Assert.Equal(32768u, last.Error!.HyperVCode);
    }

    [Theory]
    [InlineData(AgentStatusCode.InvalidArgument)]
    [InlineData(AgentStatusCode.ResourceExhausted)]
    [InlineData(AgentStatusCode.PermissionDenied)]
    public async Task CreateSnapshot_AgentRefuses_SameStatusCode(AgentStatusCode code)
    {
        _agent.FailNextMutations(code);
        var client = _connector.GetClient(_servers.Hosts[0]);

        var ex = await Assert.ThrowsAsync<AgentCallException>(async () =>
        {
            await foreach (var unused in client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = "hv1-sql-id", RequestId = "r" }, CancellationToken.None))
            {
            }
        });

        Assert.Equal(code, ex.Status);
    }

    [Fact]
    public async Task CreateSnapshot_AgentRefusesUnderALimit_RetryAfterFromTheTrailer()
    {
        _agent.ThrottleNextMutations(1, TimeSpan.FromSeconds(42.5));
        _agent.FailNextMutations(AgentStatusCode.ResourceExhausted);
        var client = _connector.GetClient(_servers.Hosts[0]);

        async Task<AgentCallException> RefusedAsync() => await Assert.ThrowsAsync<AgentCallException>(async () =>
        {
            await foreach (var unused in client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = "hv1-sql-id", RequestId = "r" }, CancellationToken.None))
            {
            }
        });

        var limited = await RefusedAsync();
        var busy = await RefusedAsync();

        Assert.Equal((AgentStatusCode.ResourceExhausted, TimeSpan.FromSeconds(42.5)), (limited.Status, limited.RetryAfter));
        Assert.Equal((AgentStatusCode.ResourceExhausted, (TimeSpan?)null), (busy.Status, busy.RetryAfter));
    }

    [Fact]
    public async Task FindJobByRequestId_OverGrpc_TheJobForThatRequestIdOrNull()
    {
        _agent.HoldJobs = true;
        var client = _connector.GetClient(_servers.Hosts[0]);
        await using (var stream = client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = "hv1-sql-id", RequestId = "op-9/hv1/sql" }, CancellationToken.None)
            .GetAsyncEnumerator())
        {
            Assert.True(await stream.MoveNextAsync());
        }

        await using (var other = client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = "hv1-web-id", RequestId = "op-9/hv1/web" }, CancellationToken.None)
            .GetAsyncEnumerator())
        {
            Assert.True(await other.MoveNextAsync());
        }

        var found = await client.FindJobByRequestIdAsync("op-9/hv1/sql", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal("op-9/hv1/sql", found.RequestId);
        Assert.Equal(_agent.Jobs.Single(j => j.TargetId == "hv1-sql-id").State.Id, found.Id);
        Assert.Equal(AgentJobState.Running, found.State);
        Assert.Null(await client.FindJobByRequestIdAsync("op-9/hv1/none", CancellationToken.None));
    }

    [Fact]
    public async Task GetJob_Unknown_Null() =>
        Assert.Null(await _connector.GetClient(_servers.Hosts[0]).GetJobAsync("nope", CancellationToken.None));

    [Fact]
    public async Task WatchJob_CallerCancels_OperationCanceled()
    {
        _agent.HoldJobs = true;
        var client = _connector.GetClient(_servers.Hosts[0]);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var job in client.CreateSnapshotAsync(new CreateSnapshotCommand { CollectionId = "hv1-sql-id", RequestId = "held" }, cts.Token))
            {
                Assert.Equal(AgentJobState.Running, job.State);
                await cts.CancelAsync();
            }
        });
    }

    [Fact]
    public async Task AnyCall_NothingListening_Unavailable()
    {
        var client = _connector.GetClient(new FleetHost { Name = "gone", Address = $"127.0.0.1:{FreePort()}" });

        var ex = await Assert.ThrowsAsync<AgentCallException>(() => client.ListCollectionsAsync(CancellationToken.None));

        Assert.Equal(AgentStatusCode.Unavailable, ex.Status);
        Assert.True(ex.IsRetryable);
    }

    [Fact]
    public void GetClient_SameHost_OneReusedChannel_NewOneWhenAddressChanges()
    {
        var host = _servers.Hosts[0];

        var first = (GrpcAgentClient)_connector.GetClient(host);
        var again = (GrpcAgentClient)_connector.GetClient(host with { Labels = new Dictionary<string, string> { ["x"] = "y" } });
        var moved = (GrpcAgentClient)_connector.GetClient(host with { Address = "127.0.0.1:1" });

        Assert.Same(first.Channel, again.Channel);
        Assert.NotSame(first.Channel, moved.Channel);
        Assert.Equal(new Uri("http://127.0.0.1:1"), moved.Address);
    }

    [Theory]
    [InlineData("hv1:7443", true, "https://hv1:7443/")]
    [InlineData("hv1:7443", false, "http://hv1:7443/")]
    [InlineData("http://10.0.0.1:80", true, "http://10.0.0.1/")]
    [InlineData("unix:/run/hvfleet/agent.sock", true, "unix:///run/hvfleet/agent.sock")]
    public void AddressToUri_Cases(string address, bool tls, string expected) =>
        Assert.Equal(expected, GrpcAgentConnector.AddressToUri(address, tls).ToString());

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
