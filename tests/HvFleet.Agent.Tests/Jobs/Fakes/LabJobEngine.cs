using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
using HvFleet.Hypervisors.Lab;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>
/// A job engine over a real SQLite job store and a real lab host, both in a temporary directory.
/// <see cref="RestartAsync"/> simulates an agent crash: the old engine is abandoned where it stands,
/// the lab is closed as a dead process would leave it, and a new engine opens the same lab and the
/// same job store (or, to simulate a lost job database, a new one).
/// </summary>
internal sealed class LabJobEngine : IAsyncDisposable
{
    private readonly List<IDisposable> _disposables = [];
    private readonly List<LabHypervisor> _labs = [];
    private int _dataDirectories;

    private LabJobEngine()
    {
        Root = Path.Combine(Path.GetTempPath(), "hvfleet-lab-jobs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data-" + _dataDirectories);

    public LabHypervisor Lab { get; private set; } = null!;

    public SqliteJobStore Store { get; private set; } = null!;

    public JobManager Manager { get; private set; } = null!;

    public RecordingLogger<SnapshotOriginLookup> Logger { get; private set; } = null!;

    /// <summary>An engine on a freshly seeded lab; <paramref name="wrap"/> may put a crashing layer over the lab.</summary>
    public static async Task<LabJobEngine> StartAsync(Func<IHypervisor, IHypervisor>? wrap = null)
    {
        var engine = new LabJobEngine();
        await engine.OpenAsync(wrap);
        return engine;
    }

    /// <summary>A new engine after a crash of the current one; <paramref name="loseJobStore"/> starts it on an empty job database.</summary>
    public async Task RestartAsync(bool loseJobStore = false, Func<IHypervisor, IHypervisor>? wrap = null)
    {
        // A dead process holds no file: the abandoned lab is closed (its stuck call never continues).
        await Lab.DisposeAsync();
        if (loseJobStore)
        {
            _dataDirectories++;
        }

        await OpenAsync(wrap);
    }

    public async Task<string> FirstCollectionIdAsync() => (await Lab.ListCollectionsAsync(CancellationToken.None))[0].Id;

    public async Task<IReadOnlyList<SnapshotInfo>> SnapshotsAsync() => await Lab.ListSnapshotsAsync(SnapshotFilter.All, CancellationToken.None);

    public async Task<AgentJob> WaitForTerminalAsync(string jobId)
    {
        using var cts = new CancellationTokenSource(JobEngineHarness.Timeout);
        AgentJob? last = null;
        await foreach (var job in Manager.WatchAsync(jobId, cts.Token))
        {
            last = job;
        }

        return last is { } final && final.State.IsTerminal() ? final : throw new Xunit.Sdk.XunitException($"Job {jobId} did not end (last {last?.State}).");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lab in _labs)
        {
            await lab.DisposeAsync();
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // An abandoned job may still hold a file; the temp folder is reclaimed later.
        }
    }

    private async Task OpenAsync(Func<IHypervisor, IHypervisor>? wrap)
    {
        var options = new LabHypervisorOptions
        {
            Directory = Path.Combine(Root, "lab"),
            HostName = "lab-jobs",
            SeedDiskSizeBytes = 64 * 1024,
            SeedRandomSeed = 1234,
            GuestIoEnabled = false,
            CopyBufferSize = 64 * 1024,
        };
        Lab = new LabHypervisor(Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System, NullLogger<LabHypervisor>.Instance);
        _labs.Add(Lab);
        Store = new SqliteJobStore(
            Microsoft.Extensions.Options.Options.Create(new SqliteJobStoreOptions { DataDirectory = DataDirectory }),
            NullLogger<SqliteJobStore>.Instance);
        _disposables.Add(Store);
        Logger = new RecordingLogger<SnapshotOriginLookup>();
        var logger = Logger;
        Manager = JobEngines.Create(Store, wrap is null ? Lab : wrap(Lab), new JobOptions(), TimeProvider.System,
            configure: services => services.AddSingleton<ILogger<SnapshotOriginLookup>>(logger));
        _disposables.Add(Manager);
        await Manager.RecoverAsync(CancellationToken.None);
    }
}
