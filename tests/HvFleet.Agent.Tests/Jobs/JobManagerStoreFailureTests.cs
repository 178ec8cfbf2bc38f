using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;
using HvFleet.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace HvFleet.Agent.Tests.Jobs;

/// <summary>The job store's volume fills up under a running job (a small tmpfs; tests run as root, as CI does).</summary>
public sealed class JobManagerStoreFailureTests
{
    private static readonly TimeSpan Timeout = JobEngineHarness.Timeout;

    [Fact]
    public async Task FinishAsync_StoreFull_TerminalStateIsSentOnlyOnceWrittenAndStartsAreRefusedUntilSpaceReturns()
    {
        using var volume = SmallTmpfs.Mount(4 * 1024 * 1024);
        var dataDirectory = Path.Combine(volume.Path, "data");
        var clock = new HvFleet.Testing.ManualTimeProvider();
        var health = new JobStoreHealth();
        var options = new JobOptions { StoreRetryInterval = TimeSpan.FromMinutes(1) };
        using var store = new SqliteJobStore(MsOptions.Create(new SqliteJobStoreOptions { DataDirectory = dataDirectory }),
            NullLogger<SqliteJobStore>.Instance, health);
        var hypervisor = new FakeHypervisor();
        using var manager = JobEngines.Create(store, hypervisor, options, clock, health);
        await manager.RecoverAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(Timeout);
        var job = (await manager.StartAsync(Specs.Group("g1"), "req-1", CancellationToken.None)).Job!;
        var call = await hypervisor.NextCallAsync();
        await Wait.UntilAsync(async () => (await store.GetAsync(job.Id, CancellationToken.None))?.State == JobState.Running);
        var seen = new List<AgentJob>();
        var watcher = Task.Run(async () =>
        {
            await foreach (var e in manager.WatchAsync(job.Id, timeout.Token))
            {
                lock (seen)
                {
                    seen.Add(e);
                }
            }
        });

        volume.Fill();
        call.Complete(new OperationResult(["snap-1"]));
        // The terminal write failed and waits to be retried (a timer on the manual clock, or the store becoming writable).
        await clock.WaitForTimersAsync(1, timeout.Token);

        Assert.False(health.IsWritable);
        Assert.Equal(JobState.Running, (await manager.GetAsync(job.Id, CancellationToken.None))!.State);
        Assert.Equal(JobState.Running, (await store.GetAsync(job.Id, CancellationToken.None))!.State);
        lock (seen)
        {
            Assert.DoesNotContain(seen, e => e.State.IsTerminal());
        }

        var refused = await manager.StartAsync(Specs.Group("g2"), "req-2", CancellationToken.None);
        Assert.Equal(JobStartOutcome.StoreFull, refused.Outcome);
        Assert.Equal($"job store: no space left on device at {Path.Combine(dataDirectory, SqliteJobStoreOptions.FileName)}", refused.Message);
        Assert.Null(await store.GetByRequestIdAsync("req-2", CancellationToken.None));

        volume.Free();
        var probe = new JobStoreProbeService(store, health, MsOptions.Create(options), clock, NullLogger<JobStoreProbeService>.Instance);
        Assert.True(await probe.ProbeOnceAsync(CancellationToken.None));
        await watcher.WaitAsync(Timeout);

        Assert.Equal(JobState.Completed, seen[^1].State);
        Assert.Equal(["snap-1"], seen[^1].Result!.SnapshotIds);
        Assert.Equal(seen[^1].Sequence, (await store.GetAsync(job.Id, CancellationToken.None))!.Sequence);
        Assert.Equal(JobState.Completed, (await store.GetAsync(job.Id, CancellationToken.None))!.State);
        var accepted = await manager.StartAsync(Specs.Group("g2"), "req-2", CancellationToken.None);
        Assert.Equal(JobStartOutcome.Created, accepted.Outcome);
        (await hypervisor.NextCallAsync()).Complete(OperationResult.Empty);
        await foreach (var unused in manager.WatchAsync(accepted.Job!.Id, timeout.Token))
        {
            // Until it is terminal, so that nothing runs past the test.
        }
    }

    [Fact]
    public async Task ProbeOnceAsync_StoreStillFull_StaysUnwritableAndKeepsTheCause()
    {
        using var volume = SmallTmpfs.Mount(2 * 1024 * 1024);
        var health = new JobStoreHealth();
        using var store = new SqliteJobStore(MsOptions.Create(new SqliteJobStoreOptions { DataDirectory = Path.Combine(volume.Path, "data") }),
            NullLogger<SqliteJobStore>.Instance, health);
        await store.ListAsync(null, 1, CancellationToken.None);
        volume.Fill();
        var probe = new JobStoreProbeService(store, health, MsOptions.Create(new JobOptions()), TimeProvider.System,
            NullLogger<JobStoreProbeService>.Instance);

        var failure = await Assert.ThrowsAsync<JobStoreException>(() => store.ProbeWriteAsync(CancellationToken.None));
        var stillFull = await probe.ProbeOnceAsync(CancellationToken.None);
        volume.Free();
        var recovered = await probe.ProbeOnceAsync(CancellationToken.None);

        Assert.Equal(JobStoreProblem.NoSpace, failure.Problem);
        Assert.False(stillFull);
        Assert.True(recovered);
        Assert.True(health.IsWritable);
    }
}
