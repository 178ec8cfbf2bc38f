using System.Collections.Concurrent;

namespace HvFleet.Hypervisors.Tests.Conformance;

/// <summary>Records what an operation reports; can run an action on a progress report (e.g. cancel).</summary>
public sealed class RecordingObserver : IOperationObserver
{
    private readonly ConcurrentQueue<HypervisorProgress> _progress = new();
    private readonly ConcurrentQueue<BackendJobReference> _jobs = new();
    private readonly Func<HypervisorProgress, bool>? _onProgress;
    private int _fired;

    /// <param name="onProgress">Called for each report until it returns true once.</param>
    public RecordingObserver(Func<HypervisorProgress, bool>? onProgress = null)
    {
        _onProgress = onProgress;
    }

    public IReadOnlyList<HypervisorProgress> Progress => _progress.ToArray();

    public IReadOnlyList<BackendJobReference> BackendJobs => _jobs.ToArray();

    public void ReportProgress(HypervisorProgress progress)
    {
        _progress.Enqueue(progress);
        if (_onProgress is not null && Volatile.Read(ref _fired) == 0 && _onProgress(progress))
        {
            Volatile.Write(ref _fired, 1);
        }
    }

    public void ReportBackendJob(BackendJobReference backendJob) => _jobs.Enqueue(backendJob);
}
