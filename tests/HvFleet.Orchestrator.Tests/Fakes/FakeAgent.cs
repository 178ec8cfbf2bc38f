using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using HvFleet.Orchestrator.Agents;

namespace HvFleet.Orchestrator.Tests.Fakes;

/// <summary>A hand-written in-memory agent: VM groups and VMs, idempotent jobs by request id (like the real agent),
/// controllable latency (held jobs released by the test, or a work delay), injected failures, unreachability.</summary>
internal sealed class FakeAgent : IAgentClient
{
    private readonly FakeAgentFleet _fleet;
    private readonly ConcurrentDictionary<string, FakeJob> _byRequest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeJob> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AgentCallException> _failNextMutations = new();
    private int _jobCounter;

    public FakeAgent(FakeAgentFleet fleet, string name, string storageKey)
    {
        _fleet = fleet;
        Name = name;
        StorageKey = storageKey;
    }

    public string Name { get; }

    public string StorageKey { get; }

    public List<AgentCollection> Collections { get; } = [];

    public List<AgentVirtualMachine> VirtualMachines { get; } = [];

    /// <summary>Every call fails with Unavailable.</summary>
    public volatile bool Unreachable;

    /// <summary>Jobs stay Running until <see cref="ReleaseAll"/> or <see cref="FakeJob.Release"/>.</summary>
    public volatile bool HoldJobs;

    /// <summary>CancelJob is acknowledged but the job keeps running (a job past its cancellable point).</summary>
    public volatile bool IgnoreCancel;

    /// <summary>Request ids that CancelJob's callers looked up (ListJobs by request id).</summary>
    public ConcurrentBag<string> LookupsByRequestId { get; } = [];

    /// <summary>The next N mutating calls create their job but deliver no event (the caller never learns the job id)
    /// until the caller gives up: a reply lost between the agent and the orchestrator.</summary>
    public void SilenceNextStarts(int count) => Interlocked.Add(ref _silentStarts, count);

    private int _silentStarts;

    /// <summary>Snapshot jobs end Failed with Hyper-V code 32768 when set.</summary>
    public volatile bool FailJobs;

    /// <summary>Simulated work time of every job (zero: done at once unless held).</summary>
    public TimeSpan WorkTime { get; set; }

    public ConcurrentDictionary<string, int> ExecutionsByRequestId { get; } = new(StringComparer.Ordinal);

    /// <summary>Snapshots created per collection or VM id.</summary>
    public ConcurrentDictionary<string, int> SnapshotsByTarget { get; } = new(StringComparer.Ordinal);

    public ConcurrentBag<string> CancelRequests { get; } = [];

    public ConcurrentBag<string> DeletedSnapshots { get; } = [];

    public ConcurrentBag<string> ExportDirectories { get; } = [];

    public int MutatingCalls => Volatile.Read(ref _mutatingCalls);

    private int _mutatingCalls;

    public IReadOnlyCollection<FakeJob> Jobs => _byId.Values.ToList();

    public FakeAgent WithCollections(params string[] names)
    {
        foreach (string name in names)
        {
            Collections.Add(new AgentCollection($"{Name}-{name}-id", name, []));
        }

        return this;
    }

    /// <summary>The next mutating calls (CreateSnapshot/ExportSnapshot) fail with these statuses, in order.</summary>
    public void FailNextMutations(params AgentStatusCode[] codes)
    {
        foreach (var code in codes)
        {
            _failNextMutations.Enqueue(new AgentCallException(code, $"injected {code}"));
        }
    }

    /// <summary>The next <paramref name="count"/> mutating calls are refused under a call limit (RESOURCE_EXHAUSTED) with
    /// "retry after <paramref name="retryAfter"/>", as the real agent's limit says it.</summary>
    public void ThrottleNextMutations(int count, TimeSpan retryAfter)
    {
        for (int i = 0; i < count; i++)
        {
            _failNextMutations.Enqueue(new AgentCallException(AgentStatusCode.ResourceExhausted, "injected call limit", retryAfter));
        }
    }

    public void ReleaseAll()
    {
        HoldJobs = false;
        foreach (var job in _byId.Values)
        {
            job.Release.TrySetResult();
        }
    }

    public Task<AgentHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        return Task.FromResult(AgentHealth.Serving);
    }

    public Task<AgentHostInfo> GetHostInfoAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        return Task.FromResult(new AgentHostInfo(Name, "lab", "0.1.0-fake"));
    }

    public Task<IReadOnlyList<AgentCollection>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        return Task.FromResult<IReadOnlyList<AgentCollection>>(Collections.ToList());
    }

    public Task<IReadOnlyList<AgentVirtualMachine>> ListVirtualMachinesAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        return Task.FromResult<IReadOnlyList<AgentVirtualMachine>>(VirtualMachines.ToList());
    }

    public IAsyncEnumerable<RemoteJob> CreateSnapshotAsync(CreateSnapshotCommand command, CancellationToken cancellationToken)
    {
        BeginMutation();
        string target = command.CollectionId.Length > 0 ? command.CollectionId : string.Join(",", command.VmIds);
        bool known = command.CollectionId.Length > 0
            ? Collections.Any(c => c.Id == command.CollectionId)
            : command.VmIds.All(v => VirtualMachines.Any(m => m.Id == v));
        if (!known)
        {
            throw new AgentCallException(AgentStatusCode.NotFound, $"no target {target}");
        }

        var job = GetOrStart(command.RequestId, target, snapshot: true);
        return TakeSilentStart() ? SilentAsync(cancellationToken) : FollowAsync(job, cancellationToken);
    }

    public IAsyncEnumerable<RemoteJob> ExportSnapshotAsync(ExportSnapshotCommand command, CancellationToken cancellationToken)
    {
        BeginMutation();
        ExportDirectories.Add(command.ExportDirectory);
        var job = GetOrStart(command.RequestId, command.SnapshotId, snapshot: false, exportPath: command.ExportDirectory);
        return TakeSilentStart() ? SilentAsync(cancellationToken) : FollowAsync(job, cancellationToken);
    }

    public IAsyncEnumerable<RemoteJob> DeleteSnapshotAsync(DeleteSnapshotCommand command, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        DeletedSnapshots.Add(command.SnapshotId);
        return Single(new RemoteJob { Id = $"del-{command.SnapshotId}", State = AgentJobState.Completed, RequestId = command.RequestId });
    }

    public IAsyncEnumerable<RemoteJob> WatchJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        if (!_byId.TryGetValue(jobId, out var job))
        {
            throw new AgentCallException(AgentStatusCode.NotFound, $"no job {jobId}");
        }

        return FollowAsync(job, cancellationToken);
    }

    public Task<RemoteJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        return Task.FromResult(_byId.TryGetValue(jobId, out var job) ? job.State : null);
    }

    public Task<RemoteJob?> FindJobByRequestIdAsync(string requestId, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        LookupsByRequestId.Add(requestId);
        return Task.FromResult(_byRequest.TryGetValue(requestId, out var job) ? job.State : null);
    }

    public Task<RemoteJob?> CancelJobAsync(string jobId, CancellationToken cancellationToken)
    {
        ThrowIfUnreachable();
        CancelRequests.Add(jobId);
        if (!_byId.TryGetValue(jobId, out var job))
        {
            return Task.FromResult<RemoteJob?>(null);
        }

        if (!IgnoreCancel && job.Update(s => s with { State = AgentJobState.Cancelled, StatusText = "cancelled" }))
        {
            _fleet.JobEnded(this);
        }

        return Task.FromResult<RemoteJob?>(job.State);
    }

    private void BeginMutation()
    {
        Interlocked.Increment(ref _mutatingCalls);
        ThrowIfUnreachable();
        if (_failNextMutations.TryDequeue(out var failure))
        {
            throw failure;
        }
    }

    private FakeJob GetOrStart(string requestId, string target, bool snapshot, string exportPath = "")
    {
        // Same request id, same job: never a second checkpoint.
        return _byRequest.GetOrAdd(requestId, id =>
        {
            ExecutionsByRequestId.AddOrUpdate(id, 1, (_, n) => n + 1);
            int number = Interlocked.Increment(ref _jobCounter);
            var job = new FakeJob(new RemoteJob
            {
                Id = $"{Name}-job-{number}",
                State = AgentJobState.Running,
                RequestId = id,
                BytesTotal = 1000,
                StatusText = "running",
            }, target);
            _byId[job.State.Id] = job;
            _fleet.JobStarted(this);
            _ = RunJobAsync(job, target, snapshot, exportPath);
            return job;
        });
    }

    private async Task RunJobAsync(FakeJob job, string target, bool snapshot, string exportPath)
    {
        job.Update(s => s with { Percent = 10, BytesDone = 100 });
        if (WorkTime > TimeSpan.Zero)
        {
            await Task.Delay(WorkTime);
        }

        if (HoldJobs)
        {
            await job.Release.Task;
        }

        bool applied = FailJobs && snapshot
            ? job.Update(s => s with
            {
                State = AgentJobState.Failed,
                Error = new AgentJobError(32768, "Failed", $"injected job failure on {target}"),
                StatusText = "failed",
            })
            : job.Update(s => s with
            {
                State = AgentJobState.Completed,
                Percent = 100,
                BytesDone = 1000,
                StatusText = "completed",
                SnapshotIds = snapshot ? [$"snap-{s.Id}"] : [],
                ExportPath = exportPath,
            });
        if (applied)
        {
            if (snapshot && job.State.State == AgentJobState.Completed)
            {
                SnapshotsByTarget.AddOrUpdate(target, 1, (_, n) => n + 1);
            }

            _fleet.JobEnded(this);
        }
    }

    private async IAsyncEnumerable<RemoteJob> FollowAsync(FakeJob job, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            var (state, changed) = job.Observe();
            yield return state;
            if (state.IsTerminal)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
            if (Unreachable)
            {
                throw new AgentCallException(AgentStatusCode.Unavailable, $"{Name} went away");
            }
        }
    }

    private bool TakeSilentStart()
    {
        int left = Volatile.Read(ref _silentStarts);
        while (left > 0)
        {
            int seen = Interlocked.CompareExchange(ref _silentStarts, left - 1, left);
            if (seen == left)
            {
                return true;
            }

            left = seen;
        }

        return false;
    }

    private static async IAsyncEnumerable<RemoteJob> SilentAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }

    private static async IAsyncEnumerable<RemoteJob> Single(RemoteJob job)
    {
        await Task.Yield();
        yield return job;
    }

    private void ThrowIfUnreachable()
    {
        if (Unreachable)
        {
            throw new AgentCallException(AgentStatusCode.Unavailable, $"{Name}: connection refused");
        }
    }
}
