using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>
/// A job engine over a real SQLite file in a temporary directory and a <see cref="FakeHypervisor"/>.
/// <see cref="RestartAsync"/> simulates an agent crash: the old engine is abandoned mid-flight and a
/// new one opens the same file.
/// </summary>
internal sealed class JobEngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<SqliteJobStore> _stores = [];
    private readonly List<JobManager> _managers = [];

    private JobEngineHarness(JobOptions options, TimeProvider time)
    {
        Root = Path.Combine(Path.GetTempPath(), "hvfleet-jobs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Options = options;
        Time = time;
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public JobOptions Options { get; }

    public TimeProvider Time { get; }

    public FakeHypervisor Hypervisor { get; private set; } = new();

    public SqliteJobStore Store { get; private set; } = null!;

    public JobManager Manager { get; private set; } = null!;

    /// <summary>The engine's composed parts (the manager's among them).</summary>
    public IServiceProvider Services { get; private set; } = null!;

    public static async Task<JobEngineHarness> StartAsync(Action<JobOptions>? configure = null, TimeProvider? time = null, bool recover = true)
    {
        var options = new JobOptions();
        configure?.Invoke(options);
        var harness = new JobEngineHarness(options, time ?? TimeProvider.System);
        harness.Open(new FakeHypervisor());
        if (recover)
        {
            await harness.Manager.RecoverAsync(CancellationToken.None);
        }

        return harness;
    }

    /// <summary>A new store and engine over the same file, after a crash of the old one; recovery runs.</summary>
    public async Task RestartAsync(FakeHypervisor? hypervisor = null)
    {
        Open(hypervisor ?? new FakeHypervisor());
        await Manager.RecoverAsync(CancellationToken.None);
    }

    public SqliteJobStore OpenStore()
    {
        var store = new SqliteJobStore(
            Microsoft.Extensions.Options.Options.Create(new SqliteJobStoreOptions { DataDirectory = DataDirectory }),
            NullLogger<SqliteJobStore>.Instance);
        _stores.Add(store);
        return store;
    }

    public async Task<AgentJob> StartJobAsync(JobSpec spec, string? requestId = null)
    {
        var started = await Manager.StartAsync(spec, requestId, CancellationToken.None);
        Assert.Equal(JobStartOutcome.Created, started.Outcome);
        return started.Job!;
    }

    /// <summary>Watches the job until <paramref name="until"/> holds; fails after <see cref="Timeout"/>.</summary>
    public async Task<AgentJob> WaitForAsync(string jobId, Func<AgentJob, bool> until)
    {
        using var cts = new CancellationTokenSource(Timeout);
        AgentJob? last = null;
        await foreach (var job in Manager.WatchAsync(jobId, cts.Token))
        {
            last = job;
            if (until(job))
            {
                return job;
            }
        }

        throw new Xunit.Sdk.XunitException($"Job {jobId} ended {last?.State} without reaching the expected state.");
    }

    public Task<AgentJob> WaitForStateAsync(string jobId, JobState state) => WaitForAsync(jobId, job => job.State == state);

    /// <summary>
    /// Waits until the store's record satisfies <paramref name="until"/>. Writes of progress and
    /// backend job references land on the job's write chain, not on the reporting thread, so this
    /// yields until they do (bounded by <see cref="Timeout"/>, never a fixed sleep).
    /// </summary>
    public async Task<AgentJob> WaitForStoredAsync(string jobId, Func<AgentJob, bool> until)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            if (await Store.GetAsync(jobId, cts.Token) is { } stored && until(stored))
            {
                return stored;
            }

            await Task.Yield();
            cts.Token.ThrowIfCancellationRequested();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (Hypervisor.HasPendingCall)
        {
            (await Hypervisor.NextCallAsync()).Complete(OperationResult.Empty);
        }

        foreach (var manager in _managers)
        {
            manager.Dispose();
        }

        foreach (var store in _stores)
        {
            store.Dispose();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A job abandoned by a simulated crash may still hold a file; the temp folder is reclaimed later.
        }
    }

    private void Open(FakeHypervisor hypervisor)
    {
        Hypervisor = hypervisor;
        Store = OpenStore();
        Services = JobEngines.Compose(Store, hypervisor, Options, Time);
        Manager = Services.GetRequiredService<JobManager>();
        _managers.Add(Manager);
    }
}
