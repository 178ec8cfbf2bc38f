using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace HvFleet.Hypervisors.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IHypervisor"/> backend must show: listing, snapshots of a group
/// and of chosen VMs (both types), export with each setting, delete, cancellation mid-copy, every
/// error path with Hyper-V's codes, and concurrent requests on one group. A backend's test class
/// derives from this one and supplies a fresh backend, its sample, and the hooks that put it into
/// the "invalid state" and "in use" conditions.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "xunit ends each test through IAsyncLifetime.DisposeAsync, which disposes the fields.")]
public abstract partial class HypervisorConformanceTests : IAsyncLifetime
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly ConcurrentBag<string> _createdSnapshots = [];
    private readonly List<IAsyncDisposable> _cleanups = [];
    private IHypervisor? _hypervisor;
    private ConformanceSample? _sample;

    /// <summary>The backend under test (fresh for each test).</summary>
    protected IHypervisor Hypervisor => _hypervisor ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>The backend's sample group and VMs.</summary>
    protected ConformanceSample Sample => _sample ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Cancelled when a test runs too long: every await in a test uses it.</summary>
    protected CancellationToken Timeout => _timeout.Token;

    /// <summary>Creates a fresh backend for one test.</summary>
    protected abstract Task<IHypervisor> CreateHypervisorAsync(CancellationToken cancellationToken);

    /// <summary>Names the backend's sample group and VMs.</summary>
    protected abstract Task<ConformanceSample> GetSampleAsync(IHypervisor hypervisor, CancellationToken cancellationToken);

    /// <summary>A fresh, empty directory under which the test may export (the directory itself must exist).</summary>
    protected abstract string CreateExportRoot();

    /// <summary>Makes a VM busy (e.g. being deleted) so that checkpoints of it fail with "invalid state"; disposing restores it.</summary>
    protected abstract Task<IAsyncDisposable> MakeVmBusyAsync(string vmId, CancellationToken cancellationToken);

    /// <summary>Defines a VM group with no members and returns its id.</summary>
    protected abstract Task<string> CreateEmptyCollectionAsync(CancellationToken cancellationToken);

    /// <summary>Keeps a snapshot in use (as a running export does) until the result is disposed.</summary>
    protected abstract Task<IAsyncDisposable> HoldSnapshotInUseAsync(string snapshotId, CancellationToken cancellationToken);

    public async Task InitializeAsync()
    {
        _hypervisor = await CreateHypervisorAsync(Timeout);
        _sample = await GetSampleAsync(_hypervisor, Timeout);
    }

    public async Task DisposeAsync()
    {
        for (int i = _cleanups.Count - 1; i >= 0; i--)
        {
            await _cleanups[i].DisposeAsync();
        }

        if (_hypervisor is not null)
        {
            // Leave a real host as it was: remove what the test created.
            foreach (string id in _createdSnapshots)
            {
                try
                {
                    await _hypervisor.DeleteSnapshotAsync(id, new RecordingObserver(), CancellationToken.None);
                }
                catch (HypervisorException)
                {
                }
            }

            if (_hypervisor is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await OnDisposedAsync();
        _timeout.Dispose();
    }

    /// <summary>Runs after the backend is disposed: remove temporary directories and the like.</summary>
    protected virtual Task OnDisposedAsync() => Task.CompletedTask;

    /// <summary>Runs <paramref name="cleanup"/> when the test ends (before the backend is disposed).</summary>
    protected void OnCleanup(IAsyncDisposable cleanup) => _cleanups.Add(cleanup);

    protected async Task<OperationResult> SnapshotAsync(
        SnapshotTarget target,
        SnapshotKind kind = SnapshotKind.Standard,
        string? name = null,
        RecordingObserver? observer = null,
        ConsistencyLevel consistency = ConsistencyLevel.Default,
        SnapshotOrigin? origin = null)
    {
        var result = await Hypervisor.CreateSnapshotAsync(new SnapshotRequest(target, kind, name, consistency, origin), observer ?? new RecordingObserver(), Timeout);
        foreach (string id in result.SnapshotIds)
        {
            _createdSnapshots.Add(id);
        }

        return result;
    }

    protected async Task<string> SnapshotCollectionAsync(SnapshotKind kind = SnapshotKind.Standard) =>
        Assert.Single((await SnapshotAsync(SnapshotTarget.Collection(Sample.CollectionId), kind)).SnapshotIds);

    protected Task<OperationResult> ExportAsync(string snapshotId, string directory, ExportOptions? options = null, bool overwrite = false, RecordingObserver? observer = null) =>
        Hypervisor.ExportSnapshotAsync(new ExportRequest(snapshotId, directory, options ?? ExportOptions.Default, overwrite), observer ?? new RecordingObserver(), Timeout);

    protected async Task<SnapshotInfo> GetSnapshotAsync(string snapshotId) =>
        Assert.Single(await Hypervisor.ListSnapshotsAsync(SnapshotFilter.All, Timeout), s => s.Id == snapshotId);

    protected async Task<IReadOnlyList<string>> MemberNamesAsync()
    {
        var collection = Assert.Single(await Hypervisor.ListCollectionsAsync(Timeout), c => c.Id == Sample.CollectionId);
        var vms = await Hypervisor.ListVirtualMachinesAsync(Timeout);
        return collection.MemberVmIds.Select(id => Assert.Single(vms, v => v.Id == id).Name).ToArray();
    }

    protected static async Task<HypervisorException> AssertFailsAsync(Func<Task> action, HypervisorErrorKind kind, uint? code = null)
    {
        var ex = await Assert.ThrowsAsync<HypervisorException>(action);
        Assert.True(ex.Kind == kind, $"Expected {kind}, got {ex.Kind} ({ex.HyperVCode}: {ex.Description})");
        if (code is { } expected)
        {
            Assert.Equal(expected, ex.HyperVCode);
        }

        Assert.False(string.IsNullOrWhiteSpace(ex.Description));
        return ex;
    }

    protected static IReadOnlyList<string> FilesUnder(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).Order(StringComparer.Ordinal).ToArray()
            : [];

    protected static long BytesUnder(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
}
