using HvFleet.Security.Clients;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using HvFleet.Chaos.Tests.Invariants;
using HvFleet.Chaos.Tests.Processes;
using HvFleet.Cli.Tests.Functional.Restart;
using HvFleet.Protos.Agent.V1;
using HvFleet.Testing;
using Xunit.Abstractions;
using Orch = HvFleet.Protos.Orchestrator.V1;

namespace HvFleet.Chaos.Tests;

/// <summary>
/// The orchestrator killed for real (SIGKILL of <c>hvfleet serve</c>) at random points of fleet recovery snapshots over
/// two lab agents (child processes that outlive it), restarted on the same data directory each time; every operation
/// must resume to Succeeded with exactly one checkpoint per VM group (named after the operation) and no checkpoint that
/// no COMPLETED agent job names. The seed that picks the kill points is printed (HVFLEET_CHAOS_SEED replays it);
/// HVFLEET_CHAOS_ORCHESTRATOR_OPERATIONS sets the number of operations (default 2, each killed twice).
/// </summary>
public sealed class OrchestratorChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int KillsPerOperation = 2;

    /// <summary>Time allowed for anything awaited here (processes start slowly on a loaded 2-core machine).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>How soon a killed orchestrator's claim expires (the restarted one also reclaims it at once: same machine).</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    /// <summary>Each checkpoint takes this long on the lab, one at a time per host: an operation lasts several of them.</summary>
    private static readonly TimeSpan CheckpointLatency = TimeSpan.FromSeconds(1.5);

    private readonly DirectoryInfo _base = Directory.CreateTempSubdirectory("hvfleet-chaos-orchestrator-");
    private readonly List<(string Name, AgentProcess Process)> _agents = [];
    private readonly List<OrchestratorProcess> _orchestrators = [];

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Orchestrator_KilledAtRandomPointsOfFleetSnapshots_EachResumesWithOneCheckpointPerGroupAndNoOrphans()
    {
        int seed = ChaosSeed.Resolve();
        int operations = ChaosSeed.Setting("HVFLEET_CHAOS_ORCHESTRATOR_OPERATIONS", 2, 1);
        output.WriteLine($"orchestrator chaos: seed {seed}, {operations} operation(s), {KillsPerOperation} kills each ({ChaosSeed.Variable}={seed} replays the kill points)");
        var random = new Random(seed);
        var tally = new ChaosTally();

        foreach (string name in new[] { "lab-01", "lab-02" })
        {
            var lab = new Dictionary<string, string>
            {
                ["Lab:HostName"] = name,
                ["Lab:SeedCollections"] = "4",
                ["Lab:SeedDiskSizeBytes"] = (256 * 1024).ToString(CultureInfo.InvariantCulture),
                ["Lab:SeedRandomSeed"] = seed.ToString(CultureInfo.InvariantCulture),
                ["Lab:GuestIoEnabled"] = "false",
                ["Lab:OperationFaults:CreateSnapshot:Delay"] = CheckpointLatency.ToString("c", CultureInfo.InvariantCulture),
            };
            _agents.Add((name, await AgentProcess.StartAsync(Path.Combine(_base.FullName, name), Path.Combine(_base.FullName, name + "-exports"), lab, Patience)));
        }

        string inventory = await WriteInventoryAsync();
        var orchestrator = await StartOrchestratorAsync(inventory);
        for (int n = 0; n < operations; n++)
        {
            string snapshotName = string.Create(CultureInfo.InvariantCulture, $"chaos-{seed}-op-{n}");
            string operationId = (await StartSnapshotAsync(orchestrator, snapshotName)).Id;
            for (int k = 0; k < KillsPerOperation; k++)
            {
                // The kill point: right away (planning, first dispatches), once a task runs, or once one has
                // succeeded, each plus a random part of a checkpoint's time (the delay is the point; nothing is awaited by sleeping).
                int mode = random.Next(3);
                string when = mode switch { 0 => "right away", 1 => "once a task ran", _ => "once a task succeeded" };
                if (mode > 0)
                {
                    var outcome = mode == 1 ? Orch.TaskOutcome.Running : Orch.TaskOutcome.Succeeded;
                    await WaitForOperationAsync(orchestrator, operationId, o => IsFinished(o) || o.Tasks.Any(t => t.Outcome == outcome), when);
                }

                var delay = CheckpointLatency * random.NextDouble();
                await Task.Delay(delay);
                var seen = await GetOperationAsync(orchestrator, operationId);
                Assert.Equal(137, await orchestrator.KillAsync());
                tally.RecordKill(!IsFinished(seen));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"kill {tally.Kills} of hvfleet serve, operation {operationId} '{snapshotName}', {when} + {delay.TotalMilliseconds:F0} ms: it was {seen.State}, tasks {Summary(seen)}"));
                orchestrator = await StartOrchestratorAsync(inventory);
            }

            var final = await WaitForOperationAsync(orchestrator, operationId, IsFinished, "the resumed operation finished");
            output.WriteLine($"operation {operationId} ended {final.State}, tasks {Summary(final)}");
            if (final.State != Orch.OperationState.Succeeded)
            {
                tally.Add(FindingKind.Other, "operation|" + operationId,
                    $"operation {operationId} ended {final.State} ({final.Message}): {string.Join("; ", final.Tasks.Where(t => t.Outcome != Orch.TaskOutcome.Succeeded).Select(t => $"{t.HostName}/{t.TargetName} {t.Outcome} {t.StatusText}"))}");
            }

            await CheckAgentsAsync(final, snapshotName, tally);
        }

        string table = tally.Table("Orchestrator chaos", seed);
        output.WriteLine(table);
        Assert.True(tally.KillsMidWork >= operations, $"only {tally.KillsMidWork} of {tally.Kills} kills landed mid-operation; at least one per operation wanted.\n{table}");
        Assert.True(tally.Findings.Count == 0, table);
    }

    /// <summary>On every agent: exactly one checkpoint named after the operation per VM group, the one its task reports;
    /// no checkpoint (of any operation) that no COMPLETED job names.</summary>
    private async Task CheckAgentsAsync(Orch.Operation final, string snapshotName, ChaosTally tally)
    {
        foreach (var (name, agent) in _agents)
        {
            var groups = (await agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections;
            var snapshots = (await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots;
            var jobs = (await agent.Client.ListJobsAsync(new ListJobsRequest { PageSize = 1000 })).Jobs;
            var named = jobs.Where(j => j.Kind == JobKind.CreateSnapshot && j.State == JobState.Completed)
                .SelectMany(j => j.Result.SnapshotIds).ToHashSet(StringComparer.OrdinalIgnoreCase);

            foreach (var group in groups)
            {
                var mine = snapshots.Where(s => s.CollectionId == group.Id && s.Name == snapshotName).OrderBy(s => s.CreatedAt.ToDateTimeOffset()).ToList();
                var task = final.Tasks.SingleOrDefault(t => t.HostName == name && t.TargetId == group.Id);
                if (mine.Count == 0)
                {
                    tally.Add(FindingKind.Other, $"missing|{final.Id}|{group.Id}", $"{name}/{group.Name}: no checkpoint of operation {final.Id} (task {task?.Outcome.ToString() ?? "absent"})");
                }

                foreach (var extra in mine.Skip(1))
                {
                    tally.Add(FindingKind.Duplicate, extra.Id, $"{name}/{group.Name}: checkpoint {mine.Count} of operation {final.Id} (ids {string.Join(", ", mine.Select(s => s.Id))}; the task reports {string.Join(", ", task?.SnapshotIds ?? [])})");
                }

                if (task is { Outcome: Orch.TaskOutcome.Succeeded } && mine.Count == 1 && !task.SnapshotIds.SequenceEqual([mine[0].Id]))
                {
                    tally.Add(FindingKind.Other, $"task|{task.Id}", $"{name}/{group.Name}: the task reports {string.Join(", ", task.SnapshotIds)}, the host has {mine[0].Id}");
                }
            }

            foreach (var snapshot in snapshots.Where(s => !named.Contains(s.Id)))
            {
                var requested = jobs.Where(j => j.TargetIds.Contains(snapshot.CollectionId) && j.Kind == JobKind.CreateSnapshot && j.State != JobState.Completed)
                    .Select(j => $"{j.Id} {j.State} {j.Error?.Summary}");
                tally.Add(FindingKind.Orphan, snapshot.Id, $"{name}: checkpoint {snapshot.Id} '{snapshot.Name}' of group {snapshot.CollectionId}: no COMPLETED job names it (unfinished jobs of that group: {string.Join("; ", requested)})");
            }

            foreach (var job in jobs.GroupBy(j => j.RequestId, StringComparer.Ordinal).Where(g => g.Key.Length > 0 && g.Count() > 1).SelectMany(g => g.Skip(1)))
            {
                tally.Add(FindingKind.Duplicate, "job|" + job.Id, $"{name}: a second job for request {job.RequestId}: {job.Id} {job.State}");
            }
        }
    }

    private static string Summary(Orch.Operation operation) =>
        string.Join(", ", operation.Tasks.GroupBy(t => t.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));

    private static bool IsFinished(Orch.Operation operation) => operation.State is Orch.OperationState.Succeeded
        or Orch.OperationState.PartiallyFailed or Orch.OperationState.Failed or Orch.OperationState.Cancelled;

    private static async Task<Orch.Operation> StartSnapshotAsync(OrchestratorProcess orchestrator, string snapshotName)
    {
        using var channel = FleetChannels.Create(new Uri($"http://{orchestrator.Address}"));
        var response = await new Orch.Fleet.FleetClient(channel).StartFleetSnapshotAsync(new Orch.StartFleetSnapshotRequest
        {
            Hosts = new Orch.HostSelector { All = true },
            Targets = new Orch.TargetSelector { AllCollections = true },
            SnapshotType = SnapshotType.Recovery,
            Name = snapshotName,
            Policy = new Orch.Policy
            {
                MaxJobsPerHost = 1,
                MaxRetries = 2,
                RetryBackoff = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(100)),
                RetryBackoffMax = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
            },
        });
        return response.Operation;
    }

    private static async Task<Orch.Operation> GetOperationAsync(OrchestratorProcess orchestrator, string operationId)
    {
        using var channel = FleetChannels.Create(new Uri($"http://{orchestrator.Address}"));
        return (await new Orch.Fleet.FleetClient(channel).GetOperationAsync(new Orch.GetOperationRequest { OperationId = operationId })).Operation;
    }

    /// <summary>Polls GetOperation until <paramref name="condition"/> holds (a just-restarted orchestrator serves the
    /// stored operation until its resume claims it, so polling works across the restart where a watch would not).</summary>
    private async Task<Orch.Operation> WaitForOperationAsync(OrchestratorProcess orchestrator, string operationId, Func<Orch.Operation, bool> condition, string because)
    {
        Orch.Operation? last = null;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                last = await GetOperationAsync(orchestrator, operationId);
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

    private async Task<OrchestratorProcess> StartOrchestratorAsync(string inventory)
    {
        var orchestrator = await OrchestratorProcess.StartAsync(inventory, Path.Combine(_base.FullName, "orchestrator"), Lease, Patience);
        _orchestrators.Add(orchestrator);
        return orchestrator;
    }

    private async Task<string> WriteInventoryAsync()
    {
        var yaml = new StringBuilder("hosts:\n");
        foreach (var (name, agent) in _agents)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: {name}\n    address: {agent.Address}\n");
        }

        string path = Path.Combine(_base.FullName, "inventory.yaml");
        await File.WriteAllTextAsync(path, yaml.ToString());
        return path;
    }

    public async Task DisposeAsync()
    {
        foreach (var orchestrator in _orchestrators)
        {
            await orchestrator.DisposeAsync();
        }

        if (_orchestrators.Count > 0)
        {
            output.WriteLine($"--- last hvfleet serve ({_orchestrators[^1].Address}) ---");
            output.WriteLine(_orchestrators[^1].Output);
        }

        foreach (var (_, agent) in _agents)
        {
            await agent.DisposeAsync();
        }

        try
        {
            _base.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is in the temporary directory.
        }
    }
}
