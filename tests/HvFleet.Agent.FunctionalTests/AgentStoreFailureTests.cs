using System.Diagnostics;
using Grpc.Health.V1;
using HvFleet.Protos.Agent.V1;
using Grpc.Core;
using HvFleet.Testing;

namespace HvFleet.Agent.FunctionalTests;

/// <summary>
/// Full volumes (small tmpfs mounts; tests run as root, as CI does) and a damaged job database, seen from a client:
/// statuses that name the cause, health, and the exit of the agent process.
/// </summary>
public sealed class AgentStoreFailureTests
{
    [Fact]
    public async Task CreateSnapshot_JobStoreFull_ResourceExhaustedNamingTheFileAndNotServingUntilSpaceReturns()
    {
        using var volume = SmallTmpfs.Mount(4 * 1024 * 1024);
        var jobStore = Path.Combine(volume.Path, "jobs");
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?>
        {
            ["JobStore:DataDirectory"] = jobStore,
            ["Jobs:StoreRetryInterval"] = "00:00:00.100",
        });
        var health = new Health.HealthClient(agent.Channel);
        var group = await agent.FirstCollectionAsync();
        var request = new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery, RequestId = "full-1" };
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        volume.Fill();
        var refused = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(agent.Client.CreateSnapshot(request)));
        var whileFull = (await health.CheckAsync(new HealthCheckRequest { Service = HostAgent.Descriptor.FullName })).Status;
        var snapshotsWhileFull = (await agent.Client.ListSnapshotsAsync(new ListSnapshotsRequest())).Snapshots.Count;
        volume.Free();
        await Wait.UntilAsync(async () => (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            because: "the probe finds the store writable once space returns");
        var events = await TestAgent.CollectAsync(agent.Client.CreateSnapshot(request));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal($"job store: no space left on device at {Path.Combine(jobStore, "jobs.db")}", refused.Status.Detail);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, whileFull);
        Assert.Equal(0, snapshotsWhileFull);
        Assert.Equal(JobState.Completed, events[^1].Job.State);
    }

    [Fact]
    public async Task ExportSnapshot_ExportVolumeFull_ResourceExhaustedBeforeAJobExists()
    {
        using var volume = SmallTmpfs.Mount(1024 * 1024);
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?> { ["Agent:ExportRoots:0"] = volume.Path });
        var snapshot = await SnapshotAsync(agent);
        volume.Fill();

        var refused = await Assert.ThrowsAsync<RpcException>(() => TestAgent.CollectAsync(agent.Client.ExportSnapshot(new ExportSnapshotRequest
        {
            SnapshotId = snapshot,
            ExportDirectory = Path.Combine(volume.Path, "nightly"),
            RequestId = "export-full",
        })));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith($"export_directory: no space left on the export volume of {Path.Combine(volume.Path, "nightly")}", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await agent.Client.ListJobsAsync(new ListJobsRequest { RequestId = "export-full" })).Jobs);
    }

    [Fact]
    public async Task ExportSnapshot_VolumeFillsDuringTheExport_FailsWithNoSpaceAndLeavesNoPartialExport()
    {
        // The lab's seed disks are 256 KiB each: the export cannot fit in 192 KiB, but starts (there is free space).
        using var volume = SmallTmpfs.Mount(192 * 1024);
        await using var agent = await TestAgent.StartAsync(settings: new Dictionary<string, string?> { ["Agent:ExportRoots:0"] = volume.Path });
        var snapshot = await SnapshotAsync(agent);

        var events = await TestAgent.CollectAsync(agent.Client.ExportSnapshot(new ExportSnapshotRequest
        {
            SnapshotId = snapshot,
            ExportDirectory = Path.Combine(volume.Path, "nightly"),
            Settings = new ExportSettings { CopyVmStorage = true, CreateVmExportSubdirectory = true },
        }));

        var final = events[^1].Job;
        Assert.Equal(JobState.Failed, final.State);
        Assert.True(final.Error.HypervCode == 32768u, $"{final.Error.HypervCode} {final.Error.Summary}: {final.Error.Description}");
        Assert.StartsWith($"no space left on the export volume of {Path.Combine(volume.Path, "nightly")}", final.Error.Description, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(volume.Path));
    }

    [Fact]
    public async Task Agent_DamagedJobDatabase_ExitsOneWithOneLineNamingTheFile()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("hvfleet-agent-damaged-").FullName;
        try
        {
            var database = Path.Combine(dataDirectory, "jobs.db");
            await File.WriteAllBytesAsync(database, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 13 + 5))]);
            var start = new ProcessStartInfo(Environment.ProcessPath!,
                [Path.Combine(AppContext.BaseDirectory, "hvfleet-agent.dll"), "--listen", "127.0.0.1:0", "--insecure-loopback-tcp", "--data-dir", dataDirectory])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(Wait.Timeout);
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            await output;

            Assert.Equal(1, process.ExitCode);
            var fatal = Assert.Single(error.Split('\n'), line => line.StartsWith("hvfleet-agent: fatal: ", StringComparison.Ordinal));
            Assert.Equal($"hvfleet-agent: fatal: job store: the database file is damaged (file is not a database) at {database}; move it aside to start with an empty job history",
                fatal.TrimEnd('\r'));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<string> SnapshotAsync(TestAgent agent)
    {
        var group = await agent.FirstCollectionAsync();
        var events = await TestAgent.CollectAsync(agent.Client.CreateSnapshot(new CreateSnapshotRequest { CollectionId = group.Id, SnapshotType = SnapshotType.Recovery }));
        return events[^1].Job.Result.SnapshotIds[0];
    }
}
