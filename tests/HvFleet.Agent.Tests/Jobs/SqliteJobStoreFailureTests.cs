using HvFleet.Agent.Jobs;
using HvFleet.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HvFleet.Agent.Tests.Jobs;

/// <summary>A job store whose file is damaged or whose volume is full says so, naming the cause and the file.</summary>
public sealed class SqliteJobStoreFailureTests
{
    [Fact]
    public async Task ListAsync_GarbageDatabaseFile_ThrowsDamagedNamingTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("hvfleet-jobstore-damaged-").FullName;
        try
        {
            var path = Path.Combine(directory, SqliteJobStoreOptions.FileName);
            await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7 + 3))]);
            var health = new JobStoreHealth();
            using var store = new SqliteJobStore(Options.Create(new SqliteJobStoreOptions { DataDirectory = directory }),
                NullLogger<SqliteJobStore>.Instance, health);

            var failure = await Assert.ThrowsAsync<JobStoreException>(() => store.ListAsync(null, 10, CancellationToken.None));

            Assert.Equal(JobStoreProblem.Damaged, failure.Problem);
            Assert.StartsWith($"job store: the database file is damaged (file is not a database) at {path}", failure.Message, StringComparison.Ordinal);
            Assert.False(health.IsWritable);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task InsertAsync_VolumeFull_ThrowsNoSpaceThenWorksOnceSpaceReturns()
    {
        using var volume = SmallTmpfs.Mount(2 * 1024 * 1024);
        var directory = Path.Combine(volume.Path, "data");
        var health = new JobStoreHealth();
        using var store = new SqliteJobStore(Options.Create(new SqliteJobStoreOptions { DataDirectory = directory }),
            NullLogger<SqliteJobStore>.Instance, health);
        await store.InsertAsync(Job("j1"), CancellationToken.None);
        volume.Fill();

        var failure = await Assert.ThrowsAsync<JobStoreException>(() => store.InsertAsync(Job("j2"), CancellationToken.None));
        var whileFull = health.IsWritable;
        volume.Free();
        var inserted = await store.InsertAsync(Job("j2"), CancellationToken.None);

        Assert.Equal(JobStoreProblem.NoSpace, failure.Problem);
        Assert.Equal($"job store: no space left on device at {Path.Combine(directory, SqliteJobStoreOptions.FileName)}", failure.Message);
        Assert.False(whileFull);
        Assert.True(inserted.Inserted);
        Assert.True(health.IsWritable);
        Assert.Equal(["j2", "j1"], (await store.ListAsync(null, 10, CancellationToken.None)).Select(j => j.Id));
    }

    private static AgentJob Job(string id) => new()
    {
        Id = id,
        Kind = JobKind.DeleteSnapshot,
        State = JobState.Pending,
        CreatedAt = DateTimeOffset.UnixEpoch.AddSeconds(id == "j1" ? 1 : 2),
        Payload = new string('p', 8192),
        Sequence = 1,
    };
}
