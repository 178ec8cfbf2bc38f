using HvFleet.Hypervisors;

namespace HvFleet.Agent.Tests.Jobs.Fakes;

/// <summary>One call into the <see cref="FakeHypervisor"/>: the test decides when and how it ends.</summary>
internal sealed class FakeCall
{
    private readonly TaskCompletionSource<OperationResult?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeCall(BackendOperationKind operation, object request, IOperationObserver observer, CancellationToken token)
    {
        Operation = operation;
        Request = request;
        Observer = observer;
        Token = token;
        // Never unregistered: the signal must survive the call ending because of the same token.
        token.Register(() => _cancelled.TrySetResult());
    }

    public BackendOperationKind Operation { get; }

    /// <summary>The SnapshotRequest, ExportRequest, snapshot id or BackendJobReference passed in.</summary>
    public object Request { get; }

    public IOperationObserver Observer { get; }

    public CancellationToken Token { get; }

    /// <summary>Completes when the call's token fires.</summary>
    public Task Cancelled => _cancelled.Task;

    public void Complete(OperationResult? result) => _outcome.TrySetResult(result);

    public void Fail(Exception exception) => _outcome.TrySetException(exception);

    public void Progress(int percent, long done = 0, long total = 0, string? text = null) =>
        Observer.ReportProgress(new HypervisorProgress(percent, done, total, text));

    /// <summary>Waits for the test's verdict; the token ends the call like a backend that cleans up and stops.</summary>
    public async Task<OperationResult?> RunAsync(bool honourCancellation) =>
        honourCancellation ? await _outcome.Task.WaitAsync(Token) : await _outcome.Task;
}
