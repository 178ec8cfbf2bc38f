using HvFleet.Security.Clients;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using HvFleet.Protos.Agent.V1;
using HvFleet.Testing;
using Xunit.Abstractions;
using Orch = HvFleet.Protos.Orchestrator.V1;

namespace HvFleet.Cli.Tests.Functional.Restart;

/// <summary>The orchestrator killed for real (SIGKILL of an <c>hvfleet serve</c> process) in the middle of a fleet
/// recovery snapshot over real lab agents, then started again on the same data directory: the operation resumes and
/// ends Succeeded, and no VM group gets a second checkpoint. The agents run in the test process and outlive the kill.</summary>
public sealed class OrchestratorRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Time allowed for anything awaited here (processes start slowly on a loaded 2-core machine).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>How soon the killed orchestrator's claim on the operation expires (default 30 s; shortened for the test).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    /// <summary>A lease long enough (at least 10 s left at the kill, renewed every third) for a test to cancel the
    /// operation through the restarted orchestrator before that one may claim it.</summary>
    private static readonly TimeSpan CancelLease = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hvfleet-restart-");
    private readonly List<InProcessLabAgent> _agents = [];
    private readonly List<OrchestratorProcess> _orchestrators = [];

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Snapshot_KilledWhileAgentJobsRun_RestartResumesWithOneCheckpointPerGroup()
    {
        // Each checkpoint takes 5 s on the lab, one at a time per host: the kill lands while every host's first runs.
        for (int i = 1; i <= 3; i++)
        {
            _agents.Add(await InProcessLabAgent.StartAsync($"lab-{i:D2}", _root.FullName, TimeSpan.FromSeconds(5), groups: 2));
        }

        string inventory = await WriteInventoryAsync(_agents.Select(a => (a.Name, a.Address)));
        var first = await StartOrchestratorAsync(inventory, Lease);
        var started = await StartSnapshotAsync(first, new Orch.Policy { MaxJobsPerHost = 1 });

        var before = await WaitForOperationAsync(first, started.Id,
            o => o.Tasks.Count == 6 && o.Tasks.Where(IsRunningWithJobId).Select(t => t.HostName).Distinct().Count() == 3,
            "every host's first checkpoint job running with its id stored");
        Assert.Equal(137, await first.KillAsync());

        // Mid-operation for real: each host has a task not begun, and jobs the dead orchestrator followed still run
        // (checked after the kill; on a very slow machine one may have just finished, so not all of them are required).
        Assert.Equal(3, before.Tasks.Where(t => t.Outcome == Orch.TaskOutcome.Pending).Select(t => t.HostName).Distinct().Count());
        var followed = before.Tasks.Where(IsRunningWithJobId).ToList();
        var states = new List<JobState>();
        foreach (var task in followed)
        {
            states.Add((await Agent(task.HostName).Client.GetJobAsync(new GetJobRequest { JobId = task.AgentJobId })).Job.State);
        }

        Assert.Contains(states, s => s is JobState.Pending or JobState.Running);

        var second = await StartOrchestratorAsync(inventory, Lease);
        var final = await WaitForOperationAsync(second, started.Id, IsFinished, "the resumed operation finished");

        Assert.Equal(Orch.OperationState.Succeeded, final.State);
        Assert.All(final.Tasks, t => Assert.Equal(Orch.TaskOutcome.Succeeded, t.Outcome));
        foreach (var task in followed)
        {
            // Re-attached to the job it had (WatchJob by the stored id), not a new one.
            Assert.Equal(task.AgentJobId, final.Tasks.Single(t => t.Id == task.Id).AgentJobId);
        }

        await AssertOneJobAndOneCheckpointPerGroupAsync(final);
    }

    [Fact]
    public async Task Snapshot_KilledBeforeJobIdsArrived_RestartReattachesByRequestIdWithOneCheckpointPerGroup()
    {
        await using var proxy = await StartTwoHostsWithLab02BehindProxyAsync(lab02Latency: TimeSpan.FromSeconds(1));
        var (inventory, operationId, jobIds) = await KillWhileLab02RepliesAreLostAsync(proxy, Lease);

        var second = await StartOrchestratorAsync(inventory, Lease);
        var final = await WaitForOperationAsync(second, operationId, IsFinished, "the resumed operation finished");

        Assert.Equal(Orch.OperationState.Succeeded, final.State);
        Assert.All(final.Tasks, t => Assert.Equal(Orch.TaskOutcome.Succeeded, t.Outcome));
        foreach (var task in final.Tasks.Where(t => t.HostName == "lab-02"))
        {
            // The same request id got the job the agent had already created.
            Assert.Equal(jobIds[task.RequestId], task.AgentJobId);
        }

        await AssertOneJobAndOneCheckpointPerGroupAsync(final);
    }

    [Fact]
    public async Task Snapshot_KilledBeforeJobIdsArrivedThenCancelled_CancelFindsTheAgentJobsByRequestId()
    {
        // lab-02's checkpoints would take a minute: only a cancel that reaches them ends them.
        await using var proxy = await StartTwoHostsWithLab02BehindProxyAsync(lab02Latency: TimeSpan.FromMinutes(1));
        var (inventory, operationId, jobIds) = await KillWhileLab02RepliesAreLostAsync(proxy, CancelLease);

        // Told to wait for the dead one's lease to expire (instead of reclaiming it at once), the new orchestrator cannot
        // claim the operation before the cancel reaches it, so it resumes the operation only to cancel it, with no job
        // id for lab-02's tasks.
        var second = await StartOrchestratorAsync(inventory, CancelLease, reclaimGoneOwners: false);
        using (var channel = FleetChannels.Create(new Uri($"http://{second.Address}")))
        {
            var cancelling = (await new Orch.Fleet.FleetClient(channel).CancelOperationAsync(new Orch.CancelOperationRequest { OperationId = operationId })).Operation;
            Assert.Equal(Orch.OperationState.Cancelling, cancelling.State);
        }

        var final = await WaitForOperationAsync(second, operationId, IsFinished, "the cancelled operation finished");

        Assert.Equal(Orch.OperationState.Cancelled, final.State);
        Assert.All(final.Tasks.Where(t => t.HostName == "lab-01"), t => Assert.Equal(Orch.TaskOutcome.Succeeded, t.Outcome));
        var lab02 = Agent("lab-02");
        foreach (var task in final.Tasks.Where(t => t.HostName == "lab-02"))
        {
            Assert.Equal(Orch.TaskOutcome.Cancelled, task.Outcome);
            Assert.Equal(jobIds[task.RequestId], task.AgentJobId);
            Assert.Contains("found by request id", task.StatusText, StringComparison.Ordinal);
            var job = Assert.Single(await JobsByRequestIdAsync(lab02, task.RequestId));
            await Wait.UntilAsync(async () => (await lab02.Client.GetJobAsync(new GetJobRequest { JobId = job.Id })).Job.State == JobState.Cancelled,
                Patience, $"lab-02 job {job.Id} cancelled");
        }

        Assert.Empty((await lab02.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots);
        Assert.Equal(2, (await Agent("lab-01").Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots.Count);
    }

    /// <summary>lab-01 (3 s checkpoints) direct, lab-02 through the returned proxy, two VM groups each.</summary>
    private async Task<FreezableProxy> StartTwoHostsWithLab02BehindProxyAsync(TimeSpan lab02Latency)
    {
        _agents.Add(await InProcessLabAgent.StartAsync("lab-01", _root.FullName, TimeSpan.FromSeconds(3), groups: 2));
        _agents.Add(await InProcessLabAgent.StartAsync("lab-02", _root.FullName, lab02Latency, groups: 2));
        return new FreezableProxy(Agent("lab-02").Address);
    }

    /// <summary>Wave 1 is lab-01; wave 2 is lab-02, whose replies are frozen before that wave starts: lab-02 creates
    /// its jobs, the orchestrator never learns their ids. Then the orchestrator is killed and the proxy reset.
    /// Returns the inventory, the operation id and lab-02's job id per request id (found on the agent directly).</summary>
    private async Task<(string Inventory, string OperationId, Dictionary<string, string> JobIds)> KillWhileLab02RepliesAreLostAsync(FreezableProxy proxy, TimeSpan lease)
    {
        var lab02 = Agent("lab-02");
        string inventory = await WriteInventoryAsync([("lab-01", Agent("lab-01").Address), ("lab-02", proxy.Address)]);
        var first = await StartOrchestratorAsync(inventory, lease);
        var started = await StartSnapshotAsync(first, new Orch.Policy { WaveSize = 1, MaxJobsPerHost = 2 });

        var planned = await WaitForOperationAsync(first, started.Id, o => o.Tasks.Count == 4, "the plan (both hosts listed)");
        proxy.Freeze();
        var lab02Tasks = planned.Tasks.Where(t => t.HostName == "lab-02").ToList();
        Assert.Equal(2, lab02Tasks.Count);
        Assert.All(lab02Tasks, t => Assert.True(t.Wave > planned.Tasks.Where(l => l.HostName == "lab-01").Max(l => l.Wave)));
        foreach (var task in lab02Tasks)
        {
            // Otherwise the freeze came too late and the test would prove nothing.
            Assert.Empty(await JobsByRequestIdAsync(lab02, task.RequestId));
        }

        var jobIds = new Dictionary<string, string>();
        await Wait.UntilAsync(async () =>
        {
            foreach (var task in lab02Tasks.Where(t => !jobIds.ContainsKey(t.RequestId)))
            {
                if ((await JobsByRequestIdAsync(lab02, task.RequestId)).SingleOrDefault() is { } job)
                {
                    jobIds[task.RequestId] = job.Id;
                }
            }

            return jobIds.Count == lab02Tasks.Count;
        }, Patience, "lab-02 created the jobs of its wave");
        var unaware = await GetOperationAsync(first, started.Id);
        Assert.All(unaware.Tasks.Where(t => t.HostName == "lab-02"), t =>
        {
            Assert.Equal(Orch.TaskOutcome.Running, t.Outcome);
            Assert.Equal("", t.AgentJobId);
        });
        Assert.All(unaware.Tasks.Where(t => t.HostName == "lab-01"), t => Assert.Equal(Orch.TaskOutcome.Succeeded, t.Outcome));
        Assert.Equal(137, await first.KillAsync());
        proxy.ResetAndThaw();
        return (inventory, started.Id, jobIds);
    }

    public async Task DisposeAsync()
    {
        foreach (var orchestrator in _orchestrators)
        {
            await orchestrator.DisposeAsync();
            output.WriteLine($"--- hvfleet serve ({orchestrator.Address}) ---");
            output.WriteLine(orchestrator.Output);
        }

        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is in the temporary directory.
        }
    }

    private static bool IsRunningWithJobId(Orch.HostTask task) => task.Outcome == Orch.TaskOutcome.Running && task.AgentJobId.Length > 0;

    private static bool IsFinished(Orch.Operation operation) => operation.State is Orch.OperationState.Succeeded
        or Orch.OperationState.PartiallyFailed or Orch.OperationState.Failed or Orch.OperationState.Cancelled;

    private static async Task<IReadOnlyList<Job>> JobsByRequestIdAsync(InProcessLabAgent agent, string requestId) =>
        (await agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = requestId })).Jobs;

    private static async Task<Orch.Operation> GetOperationAsync(OrchestratorProcess orchestrator, string operationId)
    {
        using var channel = FleetChannels.Create(new Uri($"http://{orchestrator.Address}"));
        return (await new Orch.Fleet.FleetClient(channel).GetOperationAsync(new Orch.GetOperationRequest { OperationId = operationId })).Operation;
    }

    /// <summary>Polls GetOperation until <paramref name="condition"/> holds (a just-restarted orchestrator serves the
    /// stored operation until its resume claims it, so polling works across the restart where a watch would not).</summary>
    private async Task<Orch.Operation> WaitForOperationAsync(OrchestratorProcess orchestrator, string operationId,
        Func<Orch.Operation, bool> condition, string because)
    {
        using var channel = FleetChannels.Create(new Uri($"http://{orchestrator.Address}"));
        var fleet = new Orch.Fleet.FleetClient(channel);
        Orch.Operation? last = null;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                last = (await fleet.GetOperationAsync(new Orch.GetOperationRequest { OperationId = operationId })).Operation;
                return condition(last);
            }, Patience, because);
        }
        catch (TimeoutException)
        {
            output.WriteLine($"last seen: {last}");
            throw;
        }

        return last!;
    }

    private static async Task<Orch.Operation> StartSnapshotAsync(OrchestratorProcess orchestrator, Orch.Policy policy)
    {
        policy.MaxRetries = 2;
        policy.RetryBackoff = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(100));
        policy.RetryBackoffMax = Duration.FromTimeSpan(TimeSpan.FromSeconds(1));
        using var channel = FleetChannels.Create(new Uri($"http://{orchestrator.Address}"));
        var response = await new Orch.Fleet.FleetClient(channel).StartFleetSnapshotAsync(new Orch.StartFleetSnapshotRequest
        {
            Hosts = new Orch.HostSelector { All = true },
            Targets = new Orch.TargetSelector { AllCollections = true },
            SnapshotType = SnapshotType.Recovery,
            Name = "restart-test",
            Policy = policy,
        });
        return response.Operation;
    }

    /// <summary>On every agent: the operation's tasks cover every VM group; the agent has exactly one job per task
    /// request id (and no other), the one the task names, completed; and exactly one checkpoint per VM group, the one
    /// the task reports.</summary>
    private async Task AssertOneJobAndOneCheckpointPerGroupAsync(Orch.Operation final)
    {
        foreach (var agent in _agents)
        {
            var tasks = final.Tasks.Where(t => t.HostName == agent.Name).ToList();
            var groups = (await agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections;
            Assert.Equal(groups.Select(g => g.Id).Order(), tasks.Select(t => t.TargetId).Order());

            var jobs = (await agent.Client.ListJobsAsync(new ListJobsRequest { PageSize = 1000 })).Jobs;
            Assert.Equal(tasks.Select(t => t.RequestId).Order(), jobs.Select(j => j.RequestId).Order());
            foreach (var task in tasks)
            {
                var job = Assert.Single(jobs, j => j.RequestId == task.RequestId);
                Assert.Equal(task.AgentJobId, job.Id);
                Assert.Equal(JobState.Completed, job.State);
            }

            var snapshots = (await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots;
            foreach (var group in groups)
            {
                var snapshot = Assert.Single(snapshots, s => s.CollectionId == group.Id);
                Assert.Equal([snapshot.Id], tasks.Single(t => t.TargetId == group.Id).SnapshotIds);
            }

            Assert.Equal(groups.Count, snapshots.Count);
        }
    }

    private InProcessLabAgent Agent(string name) => _agents.Single(a => a.Name == name);

    private async Task<OrchestratorProcess> StartOrchestratorAsync(string inventoryPath, TimeSpan lease, bool reclaimGoneOwners = true)
    {
        var orchestrator = await OrchestratorProcess.StartAsync(inventoryPath, Path.Combine(_root.FullName, "orchestrator"), lease, Patience, reclaimGoneOwners);
        _orchestrators.Add(orchestrator);
        return orchestrator;
    }

    private async Task<string> WriteInventoryAsync(IEnumerable<(string Name, string Address)> hosts)
    {
        var yaml = new StringBuilder("hosts:\n");
        foreach (var (name, address) in hosts)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n    address: {address}\n");
        }

        string path = Path.Combine(_root.FullName, "inventory.yaml");
        await File.WriteAllTextAsync(path, yaml.ToString());
        return path;
    }
}
