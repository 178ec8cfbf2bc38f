using HvFleet.Agent.Service;

namespace HvFleet.Agent.Tests.Service;

/// <summary>A workload whose start and stop finish when the test releases them.</summary>
internal sealed class FakeServiceWorkload : IServiceWorkload
{
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopCalls;

    public TaskCompletionSource StartGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StopGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<CancellationToken> StopCalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int StopCalls => Volatile.Read(ref _stopCalls);

    public Task Stopping => _stopping.Task;

    public Task StartAsync(CancellationToken cancellationToken) => StartGate.Task;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _stopCalls);
        StopCalled.TrySetResult(cancellationToken);

        // Like the host: a drain that outlives the token is cut short.
        await StopGate.Task.WaitAsync(cancellationToken);
    }

    public void StopByItself() => _stopping.TrySetResult();
}
