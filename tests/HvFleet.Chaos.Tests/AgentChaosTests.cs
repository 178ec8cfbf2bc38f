using System.Diagnostics;
using System.Globalization;
using HvFleet.Chaos.Tests.Invariants;
using HvFleet.Chaos.Tests.Processes;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using Xunit.Abstractions;

namespace HvFleet.Chaos.Tests;

/// <summary>
/// The agent killed for real (SIGKILL of an <c>hvfleet-agent</c> process) at random points of checkpoints and exports
/// of its lab host, restarted on the same data directory, the request replayed with the same request id (as the
/// orchestrator does) and, when that job ended failed, retried under a new request id (as RetryOperation does). After
/// every kill the whole host is checked: no checkpoint that no COMPLETED job names (orphan), at most one checkpoint per
/// request (named after it: duplicate), every export directory complete with a manifest whose digests match the files
/// or absent (partial export), nothing written beside the export root (writes outside roots; staging folders a kill
/// left are turned into links to that outside folder before the restart, so a cleanup that follows links shows). A
/// quarter of the restarts are killed once more while the agent recovers, before it serves. The seed that picks the
/// kill points is printed (HVFLEET_CHAOS_SEED replays it); HVFLEET_CHAOS_AGENT_KILLS sets the kills that must land
/// while a job runs (default 20).
/// </summary>
public sealed class AgentChaosTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Time allowed for anything awaited here (processes start slowly on a loaded 2-core machine).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private readonly DirectoryInfo _base = Directory.CreateTempSubdirectory("hvfleet-chaos-agent-");
    private AgentProcess? _agent;

    private AgentProcess Agent => _agent ?? throw new InvalidOperationException("The agent is not started.");

    private string DataDirectory => Path.Combine(_base.FullName, "agent");

    private string ExportRoot => Path.Combine(_base.FullName, "exports");

    private string Outside => Path.Combine(_base.FullName, "outside");

    public Task InitializeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Agent_KilledAtRandomPointsOfSnapshotsAndExports_NoOrphanDuplicatePartialExportOrWriteOutsideRoots()
    {
        int seed = ChaosSeed.Resolve();
        int target = ChaosSeed.Setting("HVFLEET_CHAOS_AGENT_KILLS", 20, 1);
        output.WriteLine($"agent chaos: seed {seed}, {target} kills mid-job wanted ({ChaosSeed.Variable}={seed} replays the kill points)");
        var random = new Random(seed);
        var tally = new ChaosTally();
        var audit = new ExportAudit(ExportRoot);
        var lab = LabSettings(seed);

        Directory.CreateDirectory(ExportRoot);
        Directory.CreateDirectory(Path.Combine(Outside, "keep"));
        await File.WriteAllTextAsync(Path.Combine(Outside, "keep", "sentinel.txt"), "written before the chaos; must stay as it is\n");
        var outsideBefore = TreeListing.Take(Outside, recursive: true);
        var started = Stopwatch.StartNew();
        _agent = await AgentProcess.StartAsync(DataDirectory, ExportRoot, lab, Patience);
        var startTime = started.Elapsed;
        var parentBefore = TreeListing.Take(_base.FullName, recursive: false);

        // Calibration, uninterrupted: how long a checkpoint and an export take here and how many events they stream.
        var groups = (await Agent.Client.ListCollectionsAsync(new ListCollectionsRequest())).Collections.OrderBy(c => c.Name).ToList();
        var snapshotRun = await JobStreams.ToEndAsync(Agent.Client.CreateSnapshot(SnapshotRequest(groups[0].Id, "chaos-calibration-snapshot")), Patience);
        Assert.Equal(JobState.Completed, snapshotRun.Job.State);
        var exportRun = await JobStreams.ToEndAsync(Agent.Client.ExportSnapshot(ExportRequest(snapshotRun.Job.Result.SnapshotIds[0], "calibration", "chaos-calibration-export")), Patience);
        Assert.Equal(JobState.Completed, exportRun.Job.State);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calibration: checkpoint {snapshotRun.Elapsed.TotalMilliseconds:F0} ms / {snapshotRun.Events} events, export {exportRun.Elapsed.TotalMilliseconds:F0} ms / {exportRun.Events} events"));

        // Kills until the wanted number landed mid-job (a kill may land just after a job ended), at most twice as many.
        for (int i = 0; tally.KillsMidWork < target && i < 2 * target; i++)
        {
            bool export = i % 2 == 1;
            string requestId = string.Create(CultureInfo.InvariantCulture, $"chaos-{seed}-{i:D2}-{(export ? "export" : "snapshot")}");
            var point = export
                ? KillPoint.Pick(random, exportRun.Events, exportRun.Elapsed)
                : KillPoint.Pick(random, snapshotRun.Events, snapshotRun.Elapsed);
            Func<string, AsyncServerStreamingCall<JobEvent>> start;
            string what;
            if (export)
            {
                var completed = await CompletedSnapshotIdsAsync();
                string snapshotId = completed[random.Next(completed.Count)];
                string folder = string.Create(CultureInfo.InvariantCulture, $"export-{i:D2}");
                start = id => Agent.Client.ExportSnapshot(ExportRequest(snapshotId, folder, id));
                what = $"export of {snapshotId} to {folder}";
            }
            else
            {
                var group = groups[random.Next(groups.Count)];
                start = id => Agent.Client.CreateSnapshot(SnapshotRequest(group.Id, requestId, id));
                what = $"checkpoint of {group.Name}";
            }

            var (seen, midWork) = await JobStreams.KillAtAsync(start(requestId), point, async () => Assert.Equal(137, await Agent.KillAsync()), Patience);
            tally.RecordKill(midWork);
            await Agent.DisposeAsync();
            string baited = export ? BaitStagingLeftovers() : "";
            if (random.Next(4) == 0)
            {
                // A second crash during the restart, while the agent recovers what the first left (before it serves).
                var early = AgentProcess.Launch(DataDirectory, ExportRoot, lab);
                var pause = startTime * random.NextDouble();
                await Task.Delay(pause);
                await early.DisposeAsync();
                tally.RecordRestartKill();
                baited += string.Create(CultureInfo.InvariantCulture, $", killed again {pause.TotalMilliseconds:F0} ms into its restart");
            }

            try
            {
                started.Restart();
                _agent = await AgentProcess.StartAsync(DataDirectory, ExportRoot, lab, Patience);
                startTime = started.Elapsed;
            }
            catch (InvalidOperationException ex)
            {
                // A host that does not come back after a crash is a finding too; nothing more can be checked.
                _agent = null;
                tally.Add(FindingKind.Other, "restart", $"the agent did not restart after kill {tally.Kills} ({what}, {point}): {ex.Message}");
                break;
            }

            string outcome = await ReplayAndRetryAsync(start, requestId, tally);
            output.WriteLine($"round {i:D2}, kill {tally.Kills}: {(midWork ? "mid-job" : "late   ")} {what}, request {requestId}: {point} (saw {Describe(seen)}){baited} -> {outcome}");
            await CheckHostAsync(audit, tally);
            CheckOutside(outsideBefore, parentBefore, tally);
        }

        string table = tally.Table("Agent chaos", seed);
        output.WriteLine(table);
        Assert.True(tally.KillsMidWork >= target, $"only {tally.KillsMidWork} of {tally.Kills} kills landed while a job ran; {target} wanted.\n{table}");
        Assert.True(tally.Findings.Count == 0, table);
    }

    /// <summary>Every staging folder a killed export left in the export root becomes a link to the outside folder before
    /// the restart: the recovery's cleanup must unlink it, never follow it (a followed link shows as a write outside the
    /// roots; a link left behind, as a partial export).</summary>
    private string BaitStagingLeftovers()
    {
        int baited = 0;
        foreach (var staging in new DirectoryInfo(ExportRoot).EnumerateDirectories("*.hvfleet-tmp-*").Where(d => d.LinkTarget is null))
        {
            staging.Delete(recursive: true);
            Directory.CreateSymbolicLink(staging.FullName, Outside);
            baited++;
        }

        return baited == 0 ? "" : $", {baited} staging folder(s) left, replaced by a link to {Outside}";
    }

    /// <summary>The same request id again (the agent must answer with the job it had, whatever the kill left); if that
    /// job did not complete, one retry under a new request id, as a fleet retry would. Returns what happened.</summary>
    private async Task<string> ReplayAndRetryAsync(Func<string, AsyncServerStreamingCall<JobEvent>> start, string requestId, ChaosTally tally)
    {
        Job replayed;
        try
        {
            replayed = (await JobStreams.ToEndAsync(start(requestId), Patience)).Job;
        }
        catch (RpcException ex)
        {
            tally.Add(FindingKind.Other, "replay|" + requestId, $"replaying request {requestId} after the restart was refused: {ex.StatusCode} {ex.Status.Detail}");
            return $"replay refused ({ex.StatusCode})";
        }

        if (replayed.State == JobState.Completed)
        {
            return "replay " + Describe(replayed);
        }

        string retryId = requestId + "-retry";
        try
        {
            var retried = (await JobStreams.ToEndAsync(start(retryId), Patience)).Job;
            if (retried.State != JobState.Completed)
            {
                tally.Add(FindingKind.Other, "retry|" + retryId, $"the retry {retryId} of a request the kill interrupted ended {Describe(retried)}");
            }

            return $"replay {Describe(replayed)}, retry {Describe(retried)}";
        }
        catch (RpcException ex)
        {
            tally.Add(FindingKind.Other, "retry|" + retryId, $"the retry {retryId} was refused: {ex.StatusCode} {ex.Status.Detail}");
            return $"replay {Describe(replayed)}, retry refused ({ex.StatusCode})";
        }
    }

    /// <summary>Orphans, duplicates, lost checkpoints and the export root, over the whole host.</summary>
    private async Task CheckHostAsync(ExportAudit audit, ChaosTally tally)
    {
        var jobs = (await Agent.Client.ListJobsAsync(new ListJobsRequest { PageSize = 1000 })).Jobs.ToList();
        var snapshots = (await Agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots.ToList();
        var named = jobs.Where(j => j.Kind == JobKind.CreateSnapshot && j.State == JobState.Completed)
            .SelectMany(j => j.Result.SnapshotIds.Select(id => (Id: id, Job: j)))
            .ToLookup(x => x.Id, x => x.Job, StringComparer.OrdinalIgnoreCase);

        foreach (var snapshot in snapshots.Where(s => !named.Contains(s.Id)))
        {
            var requested = jobs.Where(j => j.RequestId == snapshot.Name || j.RequestId == snapshot.Name + "-retry").Select(ExportAudit.Describe);
            tally.Add(FindingKind.Orphan, snapshot.Id,
                $"checkpoint {snapshot.Id} '{snapshot.Name}' of group {snapshot.CollectionId}: no COMPLETED job names it (jobs of that request: {string.Join("; ", requested)})");
        }

        // Each checkpoint is named after the request that asked for it (a retry keeps the name): one per name.
        foreach (var group in snapshots.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            foreach (var extra in group.OrderBy(s => s.CreatedAt.ToDateTimeOffset()).Skip(1))
            {
                tally.Add(FindingKind.Duplicate, extra.Id,
                    $"checkpoint {extra.Id} is checkpoint {group.Count()} of request '{group.Key}' (ids {string.Join(", ", group.Select(s => s.Id))})");
            }
        }

        foreach (var job in jobs.GroupBy(j => j.RequestId, StringComparer.Ordinal).Where(g => g.Key.Length > 0 && g.Count() > 1).SelectMany(g => g.Skip(1)))
        {
            tally.Add(FindingKind.Duplicate, "job|" + job.Id, $"a second job for request {job.RequestId}: {ExportAudit.Describe(job)}");
        }

        var listed = snapshots.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var lost in named.Where(n => !listed.Contains(n.Key)))
        {
            tally.Add(FindingKind.Other, "lost|" + lost.Key, $"checkpoint {lost.Key} is gone although {ExportAudit.Describe(lost.First())} names it");
        }

        await audit.CheckAsync(jobs, tally, CancellationToken.None);
    }

    /// <summary>A sibling folder of the export root and the root's parent must be as they were before the first kill.</summary>
    private void CheckOutside(IReadOnlyDictionary<string, string> outsideBefore, IReadOnlyDictionary<string, string> parentBefore, ChaosTally tally)
    {
        foreach (var (path, change) in TreeListing.Changes(outsideBefore, TreeListing.Take(Outside, recursive: true)))
        {
            tally.Add(FindingKind.WriteOutsideRoots, "outside|" + path + "|" + change, $"{Path.Combine(Outside, path)} {change}");
        }

        foreach (var (path, change) in TreeListing.Changes(parentBefore, TreeListing.Take(_base.FullName, recursive: false)))
        {
            tally.Add(FindingKind.WriteOutsideRoots, "parent|" + path + "|" + change, $"{Path.Combine(_base.FullName, path)} (beside the export root) {change}");
        }
    }

    private async Task<List<string>> CompletedSnapshotIdsAsync()
    {
        var jobs = (await Agent.Client.ListJobsAsync(new ListJobsRequest { PageSize = 1000, State = JobState.Completed })).Jobs;
        var listed = (await Agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. jobs.Where(j => j.Kind == JobKind.CreateSnapshot).SelectMany(j => j.Result.SnapshotIds).Where(listed.Contains).Order(StringComparer.Ordinal)];
    }

    private static CreateSnapshotRequest SnapshotRequest(string groupId, string name, string? requestId = null) => new()
    {
        CollectionId = groupId,
        SnapshotType = SnapshotType.Recovery,
        Name = name,
        RequestId = requestId ?? name,
    };

    private ExportSnapshotRequest ExportRequest(string snapshotId, string folder, string requestId) => new()
    {
        SnapshotId = snapshotId,
        ExportDirectory = Path.Combine(ExportRoot, folder),
        Settings = new ExportSettings { CopyVmStorage = true, CreateVmExportSubdirectory = true },
        RequestId = requestId,
    };

    /// <summary>A lab host whose jobs last long enough (a short latency, buffered copies in small chunks, hashing on
    /// export, a few MiB per VM, a pause between the commit and the return) for kills to land in every phase, and
    /// stream progress often.</summary>
    private static Dictionary<string, string> LabSettings(int seed) => new()
    {
        ["Lab:HostName"] = "chaos-host",
        ["Lab:SeedCollections"] = "4",
        ["Lab:SeedMinVmsPerCollection"] = "2",
        ["Lab:SeedMaxVmsPerCollection"] = "3",
        ["Lab:SeedDiskSizeBytes"] = (4 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        ["Lab:SeedRandomSeed"] = seed.ToString(CultureInfo.InvariantCulture),
        ["Lab:GuestIoEnabled"] = "false",
        ["Lab:CopyMethod"] = "Buffered",
        ["Lab:CopyBufferSize"] = (256 * 1024).ToString(CultureInfo.InvariantCulture),
        ["Lab:OperationFaults:CreateSnapshot:Delay"] = "00:00:00.300",
        ["Lab:OperationFaults:ExportSnapshot:Delay"] = "00:00:00.300",
        ["Lab:OperationFaults:CreateSnapshot:DelayAfterCommit"] = "00:00:00.300",
        ["Lab:OperationFaults:ExportSnapshot:DelayAfterCommit"] = "00:00:00.300",
        ["Jobs:ProgressPersistInterval"] = "00:00:00.100",
    };

    private static string Describe(Job? job) => job is null
        ? "no event"
        : string.Create(CultureInfo.InvariantCulture, $"{job.State} {job.Percent}% '{job.StatusText}'{(job.Error is { Summary.Length: > 0 } e ? " (" + e.Summary + ")" : "")}");

    public async Task DisposeAsync()
    {
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
            output.WriteLine("--- last hvfleet-agent ---");
            output.WriteLine(_agent.Output);
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
