using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using HvFleet.Orchestrator.Store;
using Microsoft.Data.Sqlite;

namespace HvFleet.Orchestrator.Tests.Store;

public sealed class SqliteOperationStoreTests : IAsyncLifetime, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hvfleet-store-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteOperationStore _store;

    public SqliteOperationStoreTests()
    {
        _store = new SqliteOperationStore(
            Microsoft.Extensions.Options.Options.Create(new SqliteOperationStoreOptions { DataDirectory = _directory }), TimeProvider.System);
    }

    public async Task InitializeAsync() => await _store.InitializeAsync(CancellationToken.None);

    public Task DisposeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public void Dispose()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Initialize_NewFile_WalAndSchemaVersion()
    {
        await using var connection = new SqliteConnection($"Data Source={_store.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode; ";
        Assert.Equal("wal", (string)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA user_version;";
        Assert.Equal((long)SqliteOperationStore.SchemaVersion, (long)(await command.ExecuteScalarAsync())!);

        await _store.InitializeAsync(CancellationToken.None); // idempotent
    }

    [Fact]
    public async Task Create_ThenGet_RoundTripsEveryField()
    {
        var operation = Sample("op1", "req-1");

        Assert.True((await _store.CreateAsync(operation, CancellationToken.None)).Created);
        var read = await _store.GetAsync("op1", CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(operation.Policy, read.Policy);
        Assert.Equal(operation.Hosts.Labels, read.Hosts.Labels);
        Assert.Equal(operation.Targets.Names, read.Targets.Names);
        Assert.Equal(operation.CreatedAt, read.CreatedAt);
        Assert.Equal(operation.Tasks.Count, read.Tasks.Count);
        Assert.Equal(operation.Tasks[1] with { SnapshotIds = [] }, read.Tasks[1] with { SnapshotIds = [] });
        Assert.Equal(operation.Tasks[1].SnapshotIds, read.Tasks[1].SnapshotIds);
    }

    [Fact]
    public async Task Create_SameRequestId_ReturnsTheFirstWithoutWriting()
    {
        await _store.CreateAsync(Sample("op1", "same"), CancellationToken.None);

        var second = await _store.CreateAsync(Sample("op2", "same"), CancellationToken.None);

        Assert.False(second.Created);
        Assert.Equal("op1", second.Operation.Id);
        Assert.Null(await _store.GetAsync("op2", CancellationToken.None));
    }

    [Fact]
    public async Task UpdateTask_ConcurrentUpdates_AllPersisted()
    {
        var operation = Sample("op1", "") with
        {
            Tasks = Enumerable.Range(0, 50).Select(i => Task(i)).ToList(),
        };
        await _store.CreateAsync(operation, CancellationToken.None);

        await System.Threading.Tasks.Task.WhenAll(operation.Tasks.Select(t =>
            _store.UpdateTaskAsync("op1", t with { Outcome = TaskOutcome.Succeeded, AgentJobId = "j" + t.Id }, CancellationToken.None)));

        var read = await _store.GetAsync("op1", CancellationToken.None);
        Assert.All(read!.Tasks, t => Assert.Equal((TaskOutcome.Succeeded, "j" + t.Id), (t.Outcome, t.AgentJobId)));
    }

    [Fact]
    public async Task UpdateTask_Unknown_Throws() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.UpdateTaskAsync("nope", Task(1), CancellationToken.None));

    [Fact]
    public async Task List_ByState_NewestFirst()
    {
        var now = DateTimeOffset.UtcNow;
        await _store.CreateAsync(Sample("old", "") with { CreatedAt = now.AddMinutes(-2), State = OperationState.Running }, CancellationToken.None);
        await _store.CreateAsync(Sample("done", "") with { CreatedAt = now.AddMinutes(-1), State = OperationState.Succeeded }, CancellationToken.None);
        await _store.CreateAsync(Sample("new", "") with { CreatedAt = now, State = OperationState.Running }, CancellationToken.None);

        var running = await _store.ListAsync(new OperationQuery { States = [OperationState.Running] }, CancellationToken.None);
        var limited = await _store.ListAsync(new OperationQuery { Limit = 1 }, CancellationToken.None);

        Assert.Equal(["new", "old"], running.Select(o => o.Id));
        Assert.Equal("new", Assert.Single(limited).Id);
    }

    [Fact]
    public async Task Lease_HeldByOne_OthersRefusedUntilReleasedOrExpired()
    {
        await _store.CreateAsync(Sample("op1", ""), CancellationToken.None);
        var now = DateTimeOffset.UtcNow;

        Assert.True(await _store.TryAcquireLeaseAsync("op1", "a", now.AddMinutes(1), CancellationToken.None));
        Assert.False(await _store.TryAcquireLeaseAsync("op1", "b", now.AddMinutes(1), CancellationToken.None));
        Assert.True(await _store.TryAcquireLeaseAsync("op1", "a", now.AddMinutes(2), CancellationToken.None));
        await _store.ReleaseLeaseAsync("op1", "a", CancellationToken.None);
        Assert.True(await _store.TryAcquireLeaseAsync("op1", "b", now.AddMilliseconds(-1), CancellationToken.None));
        Assert.True(await _store.TryAcquireLeaseAsync("op1", "c", now.AddMinutes(1), CancellationToken.None)); // b's expired
    }

    [Fact]
    public async Task ReleaseLeasesOfGoneOwners_FreesOnlyThoseOwners()
    {
        var until = DateTimeOffset.UtcNow.AddHours(1);
        foreach (var (id, owner) in new[] { ("op1", "dead"), ("op2", "dead"), ("op3", "alive") })
        {
            await _store.CreateAsync(Sample(id, ""), CancellationToken.None);
            Assert.True(await _store.TryAcquireLeaseAsync(id, owner, until, CancellationToken.None));
        }

        int freed = await _store.ReleaseLeasesOfGoneOwnersAsync(owner => owner == "dead", CancellationToken.None);

        Assert.Equal(2, freed);
        Assert.True(await _store.TryAcquireLeaseAsync("op1", "new", until, CancellationToken.None));
        Assert.True(await _store.TryAcquireLeaseAsync("op2", "new", until, CancellationToken.None));
        Assert.False(await _store.TryAcquireLeaseAsync("op3", "new", until, CancellationToken.None));
    }

    [Fact]
    public async Task RequestCancel_RunnerWritesRunningAfterwards_CancellingKeptUntilItEnds()
    {
        var operation = Sample("op-c", "") with { State = OperationState.Running };
        await _store.CreateAsync(operation, CancellationToken.None);

        var marked = await _store.RequestCancelAsync("op-c", CancellationToken.None);
        // The runner, which has not seen the cancel yet, writes its own fields with the state it knows.
        await _store.UpdateOperationAsync(operation with { State = OperationState.Running, Message = "still running here" }, CancellationToken.None);
        var afterRunnerWrite = await _store.GetAsync("op-c", CancellationToken.None);
        await _store.UpdateOperationAsync(operation with { State = OperationState.Cancelled, Message = "cancelled" }, CancellationToken.None);

        Assert.Equal(OperationState.Cancelling, marked!.State);
        Assert.Equal((OperationState.Cancelling, "still running here"), (afterRunnerWrite!.State, afterRunnerWrite.Message));
        Assert.Equal(OperationState.Cancelled, await _store.GetStateAsync("op-c", CancellationToken.None));
        // An ended operation is not marked; an unknown one is null.
        Assert.Equal(OperationState.Cancelled, (await _store.RequestCancelAsync("op-c", CancellationToken.None))!.State);
        Assert.Null(await _store.RequestCancelAsync("nope", CancellationToken.None));
        Assert.Null(await _store.GetStateAsync("nope", CancellationToken.None));
    }

    [Fact]
    public async Task SavePlan_ReplacesTasksAndMarksPlanned()
    {
        await _store.CreateAsync(Sample("op1", "") with { Tasks = [], IsPlanned = false }, CancellationToken.None);

        await _store.SavePlanAsync("op1", [Task(1), Task(2)], CancellationToken.None);
        await _store.SavePlanAsync("op1", [Task(3)], CancellationToken.None);

        var read = await _store.GetAsync("op1", CancellationToken.None);
        Assert.True(read!.IsPlanned);
        Assert.Equal("t3", Assert.Single(read.Tasks).Id);
    }

    private static FleetOperation Sample(string id, string requestId) => new()
    {
        Id = id,
        Kind = OperationKind.Snapshot,
        CreatedAt = new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero).AddTicks(1234567),
        RequestId = requestId,
        Hosts = new HostSelector { Labels = new Dictionary<string, string> { ["site"] = "ams" } },
        Targets = new TargetSelector { Kind = TargetSelectorKind.Collections, Names = ["sql", "web"] },
        Policy = new FleetPolicy { MaxHostsInFlight = 5, HostTimeout = TimeSpan.FromMinutes(3), FailureBudget = 2, WaveSize = 10, CleanupOnFailure = true },
        IsPlanned = true,
        Tasks = [Task(1), Task(2) with
        {
            Outcome = TaskOutcome.Failed,
            Error = new TaskError(32775, "Invalid state", "VM is being deleted", 0),
            SnapshotIds = ["s1", "s2"],
            StartedAt = new DateTimeOffset(2026, 11, 22, 1, 2, 4, TimeSpan.Zero),
            Attempts = 3,
            PreviousJobId = "old-job",
        }],
    };

    private static FleetTask Task(int i) => new()
    {
        Id = $"t{i}",
        HostName = $"hv{i}",
        TargetKind = TargetKind.Collection,
        TargetId = $"c{i}",
        TargetName = $"group{i}",
        RequestId = $"op-x/hv{i}/collection:c{i}",
        Wave = i / 10,
    };
}
