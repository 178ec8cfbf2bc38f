using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class SqliteJobStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hvfleet-store-" + Guid.NewGuid().ToString("N"));
    private readonly List<SqliteJobStore> _stores = [];

    [Fact]
    public async Task InsertAsync_EveryField_RoundTrips()
    {
        var store = Open();
        var job = FullJob("job-1", "req-1");

        var insert = await store.InsertAsync(job, CancellationToken.None);
        var read = (await store.GetAsync("job-1", CancellationToken.None))!;

        Assert.True(insert.Inserted);
        AssertSame(job, read);
        AssertSame(job, (await Open().GetByRequestIdAsync("req-1", CancellationToken.None))!);
    }

    [Fact]
    public async Task InsertAsync_RequestIdTaken_ReturnsTheExistingJobAndWritesNothing()
    {
        var store = Open();
        await store.InsertAsync(FullJob("job-1", "req-1"), CancellationToken.None);

        var second = await store.InsertAsync(FullJob("job-2", "req-1"), CancellationToken.None);

        Assert.False(second.Inserted);
        Assert.Equal("job-1", second.Job.Id);
        Assert.Null(await store.GetAsync("job-2", CancellationToken.None));
    }

    [Fact]
    public async Task InsertAsync_NoRequestIds_AllowsManyJobs()
    {
        var store = Open();

        await store.InsertAsync(Minimal("a", T0), CancellationToken.None);
        var second = await store.InsertAsync(Minimal("b", T0), CancellationToken.None);

        Assert.True(second.Inserted);
    }

    [Fact]
    public async Task UpdateAsync_LowerOrEqualSequence_IsIgnored()
    {
        var store = Open();
        var job = Minimal("a", T0);
        await store.InsertAsync(job, CancellationToken.None);
        var completed = job with { State = JobState.Completed, Sequence = 5, Percent = 100 };
        var lateProgress = job with { State = JobState.Running, Sequence = 4, Percent = 40 };

        Assert.True(await store.UpdateAsync(completed, CancellationToken.None));
        Assert.False(await store.UpdateAsync(lateProgress, CancellationToken.None));
        Assert.False(await store.UpdateAsync(completed, CancellationToken.None));

        var read = (await store.GetAsync("a", CancellationToken.None))!;
        Assert.Equal((JobState.Completed, 100, 5L), (read.State, read.Percent, read.Sequence));
    }

    [Fact]
    public async Task ListAsync_NewestFirstWithStateFilterAndLimit()
    {
        var store = Open();
        for (var i = 0; i < 5; i++)
        {
            await store.InsertAsync(Minimal($"job-{i}", T0.AddMinutes(i)) with { State = i % 2 == 0 ? JobState.Completed : JobState.Failed }, CancellationToken.None);
        }

        var all = await store.ListAsync(null, 100, CancellationToken.None);
        var completed = await store.ListAsync(JobState.Completed, 100, CancellationToken.None);
        var two = await store.ListAsync(null, 2, CancellationToken.None);

        Assert.Equal(["job-4", "job-3", "job-2", "job-1", "job-0"], all.Select(j => j.Id));
        Assert.Equal(["job-4", "job-2", "job-0"], completed.Select(j => j.Id));
        Assert.Equal(["job-4", "job-3"], two.Select(j => j.Id));
    }

    [Fact]
    public async Task Open_NewFile_UsesWalAndSetsSchemaVersion()
    {
        var store = Open();
        await store.ListAsync(null, 1, CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        var mode = (string)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA user_version;";
        var version = (long)(await command.ExecuteScalarAsync())!;

        Assert.Equal("wal", mode);
        Assert.Equal(SqliteJobStore.SchemaVersion, version);
    }

    [Fact]
    public async Task Open_NewerSchemaVersion_FailsWithAClearMessage()
    {
        Directory.CreateDirectory(_directory);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Open().GetAsync("x", CancellationToken.None));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ExistingFile_KeepsItsJobs()
    {
        await Open().InsertAsync(FullJob("kept", "req-kept"), CancellationToken.None);

        var reopened = Open();

        Assert.NotNull(await reopened.GetAsync("kept", CancellationToken.None));
    }

    [Fact]
    public async Task Open_WithoutSyncEveryCommit_KeepsJobsAcrossReopen()
    {
        var fast = Open(syncEveryCommit: false);
        await fast.InsertAsync(FullJob("fast", "req-fast"), CancellationToken.None);
        fast.Dispose();

        AssertSame(FullJob("fast", "req-fast"), (await Open().GetByRequestIdAsync("req-fast", CancellationToken.None))!);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string DatabasePath => Path.Combine(_directory, SqliteJobStoreOptions.FileName);

    private SqliteJobStore Open(bool syncEveryCommit = true)
    {
        var store = new SqliteJobStore(
            Options.Create(new SqliteJobStoreOptions { DataDirectory = _directory, SyncEveryCommit = syncEveryCommit }),
            NullLogger<SqliteJobStore>.Instance);
        _stores.Add(store);
        return store;
    }

    private static AgentJob Minimal(string id, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Kind = JobKind.DeleteSnapshot,
        State = JobState.Pending,
        CreatedAt = createdAt,
        Payload = "{}",
        Sequence = 1,
    };

    private static AgentJob FullJob(string id, string requestId) => new()
    {
        Id = id,
        Kind = JobKind.ExportSnapshot,
        State = JobState.Failed,
        Percent = 37,
        BytesDone = 1L << 40,
        BytesTotal = 3L << 40,
        StatusText = "copying disk 2 of 3",
        CreatedAt = T0,
        StartedAt = T0.AddSeconds(1.2345678),
        FinishedAt = T0.AddMinutes(3),
        Error = new JobError(HyperVCodes.MsvmInvalidState, "Invalid state for this operation", "VM is being deleted", HyperVCodeFamily.Msvm),
        Result = new JobResult(["snap-a", "snap-b"], "/exports/x", "/exports/x/hvfleet-export.json", 1234, 7),
        RequestId = requestId,
        TargetIds = ["snap-a"],
        Warnings = ["w1", "w \"2\""],
        BackendJob = new BackendJobReference("Msvm_ConcreteJob-7", BackendOperationKind.ExportSnapshot, "snap-a"),
        Payload = "{\"Kind\":\"ExportSnapshot\"}",
        ExportDirectory = "/exports/x",
        ExportTargetExisted = true,
        Sequence = 12,
    };

    private static void AssertSame(AgentJob expected, AgentJob actual)
    {
        Assert.Equal(expected with { TargetIds = [], Warnings = [], Result = null }, actual with { TargetIds = [], Warnings = [], Result = null });
        Assert.Equal(expected.TargetIds, actual.TargetIds);
        Assert.Equal(expected.Warnings, actual.Warnings);
        Assert.Equal(expected.Result!.SnapshotIds, actual.Result!.SnapshotIds);
        Assert.Equal(expected.Result with { SnapshotIds = [] }, actual.Result with { SnapshotIds = [] });
    }
}
