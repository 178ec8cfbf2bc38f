namespace HvFleet.Hypervisors.HyperV;

/// <summary>
/// Turns the percent of one or more Hyper-V jobs into the operation's progress: job <c>i</c> of
/// <c>n</c> covers its slice of 0–100, the percent never goes back, and <see cref="Complete"/>
/// reports 100 (with the bytes written, when known) even for calls that finished without a job.
/// </summary>
internal sealed class ProgressObserver : IOperationObserver
{
    private readonly IOperationObserver _inner;
    private readonly Lock _lock = new();
    private int _index;
    private int _count = 1;
    private int _last = -1;

    public ProgressObserver(IOperationObserver inner)
    {
        _inner = inner;
    }

    /// <summary>The following job reports are for step <paramref name="index"/> of <paramref name="count"/>.</summary>
    public void Step(int index, int count)
    {
        lock (_lock)
        {
            _index = index;
            _count = Math.Max(1, count);
        }
    }

    public void ReportProgress(HypervisorProgress progress)
    {
        HypervisorProgress scaled;
        lock (_lock)
        {
            var percent = Math.Clamp(((_index * 100) + Math.Clamp(progress.Percent, 0, 100)) / _count, 0, 100);
            if (percent < _last)
            {
                return;
            }

            _last = percent;
            scaled = progress with { Percent = percent };
        }

        _inner.ReportProgress(scaled);
    }

    public void ReportBackendJob(BackendJobReference backendJob) => _inner.ReportBackendJob(backendJob);

    public void Complete(long bytes = 0)
    {
        lock (_lock)
        {
            if (_last == 100 && bytes == 0)
            {
                return;
            }

            _last = 100;
        }

        _inner.ReportProgress(new HypervisorProgress(100, bytes, bytes));
    }
}
