using HvFleet.Agent.Jobs;
using HvFleet.Agent.Tests.Jobs.Fakes;
using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs;

public sealed class JobManagerConcurrencyTests
{
    [Fact]
    public async Task StartAsync_ThirdSnapshot_WaitsUntilASlotFrees()
    {
        await using var engine = await JobEngineHarness.StartAsync();
        var a = await engine.StartJobAsync(Specs.Group("g1"));
        var b = await engine.StartJobAsync(Specs.Group("g2"));
        var c = await engine.StartJobAsync(Specs.Group("g3"));
        var calls = await engine.Hypervisor.NextCallsAsync(2);
        var callA = calls.ForGroup("g1");
        var callB = calls.ForGroup("g2");

        Assert.False(engine.Hypervisor.HasPendingCall);
        Assert.Equal(JobState.Pending, (await engine.Manager.GetAsync(c.Id, CancellationToken.None))!.State);
        Assert.Equal(1, engine.Manager.QueuedCount);

        callB.Complete(new OperationResult(["s-b"]));
        var callC = await engine.Hypervisor.NextCallAsync();

        Assert.Equal("g3", ((SnapshotRequest)callC.Request).Target.CollectionId);
        await engine.WaitForStateAsync(c.Id, JobState.Running);
        Assert.Equal(JobState.Running, (await engine.Manager.GetAsync(a.Id, CancellationToken.None))!.State);
        callA.Complete(OperationResult.Empty);
        callC.Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(b.Id, JobState.Completed);
    }

    [Fact]
    public async Task StartAsync_SameGroupTwice_SecondWaitsWhileOtherGroupsProceed()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 4);
        var first = await engine.StartJobAsync(Specs.Group("g1"));
        var second = await engine.StartJobAsync(Specs.Group("g1"));
        var other = await engine.StartJobAsync(Specs.Group("g2"));

        var calls = await engine.Hypervisor.NextCallsAsync(2);
        var call1 = calls.ForGroup("g1");
        var call2 = calls.ForGroup("g2");

        Assert.False(engine.Hypervisor.HasPendingCall);
        Assert.Equal(JobState.Pending, (await engine.Manager.GetAsync(second.Id, CancellationToken.None))!.State);

        call1.Complete(OperationResult.Empty);
        var call3 = await engine.Hypervisor.NextCallAsync();

        Assert.Equal("g1", ((SnapshotRequest)call3.Request).Target.CollectionId);
        Assert.Equal(JobState.Completed, (await engine.WaitForStateAsync(first.Id, JobState.Completed)).State);
        await engine.WaitForStateAsync(second.Id, JobState.Running);
        call2.Complete(OperationResult.Empty);
        call3.Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(other.Id, JobState.Completed);
        await engine.WaitForStateAsync(second.Id, JobState.Completed);
    }

    [Fact]
    public async Task StartAsync_OverlappingVmSets_LaterJobDoesNotOvertakeEarlierOne()
    {
        await using var engine = await JobEngineHarness.StartAsync(o => o.MaxConcurrentSnapshots = 4);
        await engine.StartJobAsync(Specs.Vms("vm-1"));
        var blocked = await engine.StartJobAsync(Specs.Vms("vm-1", "vm-2"));
        var later = await engine.StartJobAsync(Specs.Vms("vm-2"));
        var free = await engine.StartJobAsync(Specs.Vms("vm-3"));

        var calls = await engine.Hypervisor.NextCallsAsync(2);
        var call1 = calls.Single(c => ((SnapshotRequest)c.Request).Target.VmIds.SequenceEqual(["vm-1"]));
        var call2 = calls.Single(c => ((SnapshotRequest)c.Request).Target.VmIds.SequenceEqual(["vm-3"]));

        Assert.False(engine.Hypervisor.HasPendingCall);
        call1.Complete(OperationResult.Empty);
        var call3 = await engine.Hypervisor.NextCallAsync();
        Assert.Equal(["vm-1", "vm-2"], ((SnapshotRequest)call3.Request).Target.VmIds);
        Assert.Equal(JobState.Pending, (await engine.Manager.GetAsync(later.Id, CancellationToken.None))!.State);
        call3.Complete(OperationResult.Empty);
        var call4 = await engine.Hypervisor.NextCallAsync();
        Assert.Equal(["vm-2"], ((SnapshotRequest)call4.Request).Target.VmIds);
        call2.Complete(OperationResult.Empty);
        call4.Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(blocked.Id, JobState.Completed);
        await engine.WaitForStateAsync(free.Id, JobState.Completed);
    }

    [Fact]
    public async Task StartAsync_ExportsAndSnapshots_HaveSeparateLimits()
    {
        await using var engine = await JobEngineHarness.StartAsync(o =>
        {
            o.MaxConcurrentSnapshots = 1;
            o.MaxConcurrentExports = 1;
        });
        var exportDir = Path.Combine(engine.Root, "exports");
        await engine.StartJobAsync(Specs.Group("g1"));
        await engine.StartJobAsync(Specs.Export("s1", Path.Combine(exportDir, "a")));
        await engine.StartJobAsync(Specs.Export("s2", Path.Combine(exportDir, "b")));
        await engine.StartJobAsync(Specs.Delete("s3"));

        var calls = await engine.Hypervisor.NextCallsAsync(2);

        Assert.Contains(calls, c => c.Operation == BackendOperationKind.CreateSnapshot);
        Assert.Contains(calls, c => c.Operation == BackendOperationKind.ExportSnapshot);
        Assert.False(engine.Hypervisor.HasPendingCall);
        Assert.Equal(2, engine.Manager.QueuedCount);
        Assert.Equal(2, engine.Manager.RunningCount);

        // Deletes count with snapshots: freeing the snapshot slot starts the delete, not the export.
        calls.Single(c => c.Operation == BackendOperationKind.CreateSnapshot).Complete(OperationResult.Empty);
        Assert.Equal(BackendOperationKind.DeleteSnapshot, (await engine.Hypervisor.NextCallAsync()).Operation);
    }

    [Fact]
    public async Task StartAsync_QueueFull_ReturnsQueueFullAndWritesNothing()
    {
        await using var engine = await JobEngineHarness.StartAsync(o =>
        {
            o.MaxConcurrentSnapshots = 1;
            o.MaxQueuedJobs = 2;
        });
        await engine.StartJobAsync(Specs.Group("g1"));
        await engine.Hypervisor.NextCallAsync();
        await engine.StartJobAsync(Specs.Group("g2"));
        await engine.StartJobAsync(Specs.Group("g3"));

        var refused = await engine.Manager.StartAsync(Specs.Group("g4"), "req-full", CancellationToken.None);

        Assert.Equal(JobStartOutcome.QueueFull, refused.Outcome);
        Assert.Null(refused.Job);
        Assert.Contains("queue is full", refused.Message, StringComparison.Ordinal);
        Assert.Null(await engine.Store.GetByRequestIdAsync("req-full", CancellationToken.None));
        Assert.Equal(3, (await engine.Store.ListAsync(null, 10, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task StartAsync_QueueFullThenSlotFrees_AcceptsAgain()
    {
        await using var engine = await JobEngineHarness.StartAsync(o =>
        {
            o.MaxConcurrentSnapshots = 1;
            o.MaxQueuedJobs = 1;
        });
        var first = await engine.StartJobAsync(Specs.Group("g1"));
        var call = await engine.Hypervisor.NextCallAsync();
        await engine.StartJobAsync(Specs.Group("g2"));
        Assert.Equal(JobStartOutcome.QueueFull, (await engine.Manager.StartAsync(Specs.Group("g3"), null, CancellationToken.None)).Outcome);

        call.Complete(OperationResult.Empty);
        await engine.WaitForStateAsync(first.Id, JobState.Completed);
        await engine.Hypervisor.NextCallAsync();

        Assert.Equal(JobStartOutcome.Created, (await engine.Manager.StartAsync(Specs.Group("g3"), null, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task StartAsync_SameExportDirectoryOrSnapshot_WaitsWhileOthersProceed()
    {
        await using var engine = await JobEngineHarness.StartAsync(o =>
        {
            o.MaxConcurrentExports = 4;
            o.MaxConcurrentSnapshots = 4;
        });
        var shared = Path.Combine(engine.Root, "exports", "same");
        var first = await engine.StartJobAsync(Specs.Export("s1", shared));
        var sameDirectory = await engine.StartJobAsync(Specs.Export("s2", shared));
        var deleteOfExported = await engine.StartJobAsync(Specs.Delete("s1"));
        var unrelated = await engine.StartJobAsync(Specs.Export("s3", Path.Combine(engine.Root, "exports", "other")));

        var calls = await engine.Hypervisor.NextCallsAsync(2);

        Assert.Equal(["s1", "s3"], calls.Select(c => ((ExportRequest)c.Request).SnapshotId).Order());
        Assert.False(engine.Hypervisor.HasPendingCall);
        Assert.Equal(JobState.Pending, (await engine.Manager.GetAsync(sameDirectory.Id, CancellationToken.None))!.State);
        Assert.Equal(JobState.Pending, (await engine.Manager.GetAsync(deleteOfExported.Id, CancellationToken.None))!.State);

        calls.Single(c => ((ExportRequest)c.Request).SnapshotId == "s1").Complete(OperationResult.Empty);
        var next = await engine.Hypervisor.NextCallsAsync(2);

        Assert.Contains(next, c => c.Operation == BackendOperationKind.DeleteSnapshot);
        Assert.Contains(next, c => c.Request is ExportRequest { SnapshotId: "s2" });
        await engine.WaitForStateAsync(first.Id, JobState.Completed);
        Assert.Equal(JobState.Running, (await engine.Manager.GetAsync(unrelated.Id, CancellationToken.None))!.State);
    }
}
