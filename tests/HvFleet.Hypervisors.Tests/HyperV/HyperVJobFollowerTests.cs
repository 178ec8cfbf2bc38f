using HvFleet.Hypervisors.Tests.Conformance;
using HvFleet.Hypervisors.Tests.HyperV.Emulator;

namespace HvFleet.Hypervisors.Tests.HyperV;

/// <summary>Following Msvm_ConcreteJob (reference §5.2–§5.5): states, warnings, failures, removal, timeout, cancel.</summary>
public sealed class HyperVJobFollowerTests : IDisposable
{
    private readonly HyperVTestHost _host = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        _host.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task CreateSnapshot_JobPassesThroughWaitingStates_KeepsWaitingAndSucceeds()
    {
        // 2 New, 3 Starting, 5 Suspended, 6 Shutting Down and 12 Query Pending (MOF only, §8.7) are not terminal.
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { Duration = TimeSpan.FromSeconds(10), RunningStates = [2, 3, 5, 6, 12] });
        var observer = new RecordingObserver();

        var result = await SnapshotGroupAsync(observer);

        Assert.Single(result.SnapshotIds);
        Assert.Contains(await ListAsync(), s => s.Id == result.SnapshotIds[0]);
        Assert.True(observer.Progress.Count >= 3, "percent is reported while the job runs");
        Assert.Equal(100, observer.Progress[^1].Percent);
    }

    [Fact]
    public async Task CreateSnapshot_JobCompletedWithWarnings32768_SucceedsWithTheWarningTexts()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan
        {
            FinalState = 32768,
            ErrorSummaryDescription = "Completed with warnings",
            ErrorMessages = ["Guest 'db-02' could not quiesce; the checkpoint is crash consistent."],
        });

        var result = await SnapshotGroupAsync();

        var warning = Assert.Single(result.Warnings!);
        Assert.Contains("32768", warning, StringComparison.Ordinal);
        Assert.Contains("could not quiesce", warning, StringComparison.Ordinal);
        Assert.Single(result.SnapshotIds);
    }

    [Fact]
    public async Task CreateSnapshot_JobCompletedWithNonZeroErrorCode_SucceedsWithWarning()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { FinalState = 7, ErrorCode = 32768, ErrorDescription = "A member reported a minor problem." });

        var result = await SnapshotGroupAsync();

        var warning = Assert.Single(result.Warnings!);
        Assert.Contains("ErrorCode 32768", warning, StringComparison.Ordinal);
        Assert.Contains("minor problem", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_JobException10_FailsWithErrorCodeTextsAndGetErrorExMessages()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", JobPlan.Failing(
            32768,
            "Failed to create the checkpoint",
            "'db-01' could not create a checkpoint (Virtual machine ID 1234).",
            "The storage of 'db-01' is full.",
            "Could not create differencing disk."));

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync());

        Assert.Equal(32768u, ex.HyperVCode);
        Assert.Equal(HyperVCodeFamily.Job, ex.Family);
        Assert.Equal(HypervisorErrorKind.Failed, ex.Kind);
        Assert.Equal("Failed", ex.Summary);
        Assert.Contains("JobState 10", ex.Description, StringComparison.Ordinal);
        Assert.Contains("Failed to create the checkpoint", ex.Description, StringComparison.Ordinal);
        Assert.Contains("could not create a checkpoint", ex.Description, StringComparison.Ordinal);
        Assert.Contains("The storage of 'db-01' is full.", ex.Description, StringComparison.Ordinal);
        Assert.Contains("Could not create differencing disk.", ex.Description, StringComparison.Ordinal);
        Assert.Empty(await ListAsync());
    }

    [Theory]
    [InlineData((ushort)32774, HypervisorErrorKind.InUse, "System is in use")]
    [InlineData((ushort)32775, HypervisorErrorKind.InvalidState, "Invalid state for this operation")]
    [InlineData((ushort)32769, HypervisorErrorKind.AccessDenied, "Access denied")]
    [InlineData((ushort)12345, HypervisorErrorKind.Failed, "Job failed with error code 12345")]
    public async Task CreateSnapshot_FailedJobErrorCode_IsCarriedUnchangedWithItsMeaning(ushort errorCode, HypervisorErrorKind kind, string summary)
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", JobPlan.Failing(errorCode, "summary", "description"));

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync());

        Assert.Equal(errorCode, ex.HyperVCode);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(summary, ex.Summary);
    }

    [Theory]
    [InlineData((ushort)8)]
    [InlineData((ushort)9)]
    [InlineData((ushort)11)]
    public async Task CreateSnapshot_JobEndsTerminatedKilledOrInService_FailsWithoutCancellation(ushort finalState)
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { FinalState = finalState, ErrorCode = 32768, ErrorDescription = "stopped elsewhere" });

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync());

        Assert.Contains($"JobState {finalState}", ex.Description, StringComparison.Ordinal);
        Assert.Equal(32768u, ex.HyperVCode);
    }

    [Fact]
    public async Task CreateSnapshot_JobRemovedBeforeItsFinalStateWasRead_FailsClearlyInsteadOfHanging()
    {
        // The job finishes after 2 s; before the next poll the clock jumps past its 5-minute TimeBeforeRemoval.
        var jumped = false;
        var observer = new RecordingObserver(p =>
        {
            if (!jumped && p.Percent > 0)
            {
                jumped = true;
                _host.Time.Advance(TimeSpan.FromMinutes(6));
                return true;
            }

            return false;
        });

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync(observer));

        Assert.Equal(HyperVCodes.MsvmStatusUnknown, ex.HyperVCode);
        Assert.Contains("disappeared", ex.Description, StringComparison.Ordinal);
        Assert.Contains("5 minutes", ex.Description, StringComparison.Ordinal);
        Assert.Null(_host.Emulator.JobState(Assert.Single(observer.BackendJobs).JobId));
    }

    [Fact]
    public async Task CreateSnapshot_JobRemovedTheMomentItEnds_FailsClearly()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { RemoveOnCompletion = true });

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => SnapshotGroupAsync());

        Assert.Equal(HypervisorErrorKind.Failed, ex.Kind);
        Assert.Contains("disappeared", ex.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_FinishedJobReadWithinFiveMinutes_Succeeds()
    {
        // A poll interval of 30 s (the maximum allowed) still reads the final state long before removal.
        var hypervisor = _host.CreateHypervisor(o => o.PollInterval = TimeSpan.FromSeconds(30));
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { Duration = TimeSpan.FromSeconds(45) });

        var result = await hypervisor.CreateSnapshotAsync(GroupRequest(), new RecordingObserver(), _timeout.Token);

        Assert.Single(result.SnapshotIds);
    }

    [Fact]
    public async Task CreateSnapshot_JobNeverEnds_TimesOutClientSideAndTerminatesIt()
    {
        var hypervisor = _host.CreateHypervisor(o => o.JobTimeout = TimeSpan.FromMinutes(2));
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { Hang = true });
        var observer = new RecordingObserver();

        var ex = await Assert.ThrowsAsync<HypervisorException>(() => hypervisor.CreateSnapshotAsync(GroupRequest(), observer, _timeout.Token));

        Assert.Equal(HypervisorErrorKind.Timeout, ex.Kind);
        Assert.Equal(HyperVCodes.MsvmTimeout, ex.HyperVCode);
        var jobId = Assert.Single(observer.BackendJobs).JobId;
        Assert.Equal([(ushort)4], _host.Emulator.StateChangeRequests.Where(r => r.JobId == jobId).Select(r => r.RequestedState));
        Assert.Equal((ushort)8, _host.Emulator.JobState(jobId));
    }

    [Fact]
    public async Task CreateSnapshot_CancelledAndTerminateHonoured_SendsTerminateOnlyAndThrowsCancelled()
    {
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver(p => CancelOnProgress(p, cancel));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), observer, cancel.Token));

        var jobId = Assert.Single(observer.BackendJobs).JobId;
        var requests = _host.Emulator.StateChangeRequests.Where(r => r.JobId == jobId).ToList();
        Assert.Equal([(ushort)4], requests.Select(r => r.RequestedState));
        Assert.All(requests, r => Assert.Equal(0u, r.ReturnValue));
        Assert.Equal((ushort)8, _host.Emulator.JobState(jobId));
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task CreateSnapshot_CancelledAndTerminateIgnored_SendsTerminateThenKill()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { Duration = TimeSpan.FromMinutes(10), IgnoresTerminate = true });
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver(p => CancelOnProgress(p, cancel));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), observer, cancel.Token));

        var jobId = Assert.Single(observer.BackendJobs).JobId;
        Assert.Equal([(ushort)4, (ushort)5], _host.Emulator.StateChangeRequests.Where(r => r.JobId == jobId).Select(r => r.RequestedState));
        Assert.Equal((ushort)9, _host.Emulator.JobState(jobId));
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task CreateSnapshot_CancelledButJobNotCancellable_StopsFollowingWithoutStateChange()
    {
        _host.Emulator.PlanNextJob("CreateSnapshot", new JobPlan { Duration = TimeSpan.FromMinutes(1), Cancellable = false });
        using var cancel = new CancellationTokenSource();
        var observer = new RecordingObserver(p => CancelOnProgress(p, cancel));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), observer, cancel.Token));

        var jobId = Assert.Single(observer.BackendJobs).JobId;
        Assert.Empty(_host.Emulator.StateChangeRequests);
        Assert.Equal((ushort)4, _host.Emulator.JobState(jobId));
    }

    [Fact]
    public async Task CreateSnapshot_JobStarted_ReportsItsInstanceIdWhileRunning()
    {
        ushort? stateWhenReported = null;
        var observer = new ReportingObserver(job => stateWhenReported = _host.Emulator.JobState(job.JobId));

        await _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), observer, _timeout.Token);

        var job = Assert.Single(observer.Jobs);
        Assert.Equal(BackendOperationKind.CreateSnapshot, job.Operation);
        Assert.Equal(GroupId, HvFleet.Hypervisors.HyperV.Jobs.HyperVResumeState.Parse(job.TargetId).Target);
        Assert.True(Guid.TryParse(job.JobId, out _), $"InstanceID '{job.JobId}' is the job's key (§8.8)");
        Assert.NotNull(stateWhenReported);
        Assert.NotEqual((ushort)7, stateWhenReported);
    }

    [Fact]
    public async Task CreateSnapshot_ObserverFailsToRecordTheJob_StopsTheJobAndRethrows()
    {
        var observer = new ReportingObserver(_ => throw new InvalidOperationException("job store unavailable"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), observer, _timeout.Token));

        var jobId = Assert.Single(observer.Jobs).JobId;
        Assert.Equal((ushort)4, Assert.Single(_host.Emulator.StateChangeRequests).RequestedState);
        Assert.Equal((ushort)8, _host.Emulator.JobState(jobId));
        Assert.Empty(await ListAsync());
    }

    private string GroupId => _host.Emulator.Query("SELECT * FROM Msvm_VirtualSystemCollection WHERE ElementName = 'db'").Single()["CollectionID"] as string ?? string.Empty;

    private SnapshotRequest GroupRequest() => new(SnapshotTarget.Collection(GroupId), SnapshotKind.Standard, null);

    private Task<OperationResult> SnapshotGroupAsync(RecordingObserver? observer = null) =>
        _host.CreateHypervisor().CreateSnapshotAsync(GroupRequest(), observer ?? new RecordingObserver(), _timeout.Token);

    private Task<IReadOnlyList<SnapshotInfo>> ListAsync() => _host.CreateHypervisor().ListSnapshotsAsync(SnapshotFilter.All, _timeout.Token);

    private static bool CancelOnProgress(HypervisorProgress progress, CancellationTokenSource cancel)
    {
        if (progress.Percent > 0)
        {
            cancel.Cancel();
            return true;
        }

        return false;
    }

    private sealed class ReportingObserver(Action<BackendJobReference> onJob) : IOperationObserver
    {
        public List<BackendJobReference> Jobs { get; } = [];

        public void ReportProgress(HypervisorProgress progress)
        {
        }

        public void ReportBackendJob(BackendJobReference backendJob)
        {
            Jobs.Add(backendJob);
            onJob(backendJob);
        }
    }
}
