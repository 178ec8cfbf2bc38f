using HvFleet.Agent.Service;
using HvFleet.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HvFleet.Agent.Tests.Service;

public sealed class ServiceRunnerTests
{
    private static readonly ServiceRunnerTimings Timings = new()
    {
        WaitHint = TimeSpan.FromSeconds(10),
        PulseInterval = TimeSpan.FromSeconds(2),
        StopTimeout = TimeSpan.FromSeconds(60),
    };

    private readonly FakeServiceControlManager _scm = new();
    private readonly FakeServiceWorkload _workload = new();
    private readonly ManualTimeProvider _time = new();

    private ServiceRunner CreateRunner() => new(_scm, _workload, _time, Timings, NullLogger.Instance);

    [Fact]
    public async Task RunServiceAsync_HostStarts_ReportsStartPendingThenRunningAcceptingStopShutdownPreshutdown()
    {
        var runner = CreateRunner();
        var life = runner.RunServiceAsync("HvFleetAgent");
        await _scm.WaitForAsync(r => r.State == ServiceState.StartPending);

        _workload.StartGate.SetResult();
        var running = await _scm.WaitForAsync(r => r.State == ServiceState.Running);

        Assert.Equal("HvFleetAgent", _scm.RegisteredName);
        var first = _scm.Reports[0];
        Assert.Equal(new ServiceStatusReport(ServiceState.StartPending, ServiceAcceptedControls.None, 1, Timings.WaitHint), first);
        Assert.Equal(
            ServiceAcceptedControls.Stop | ServiceAcceptedControls.Shutdown | ServiceAcceptedControls.Preshutdown,
            running.ControlsAccepted);
        Assert.Equal(0, running.CheckPoint);
        Assert.Equal(TimeSpan.Zero, running.WaitHint);
        Assert.False(life.IsCompleted);
        Assert.Equal(0, _time.ScheduledTimers);
    }

    [Fact]
    public async Task RunServiceAsync_SlowStart_PulsesIncreasingCheckpointsWithinWaitHint()
    {
        var runner = CreateRunner();
        _ = runner.RunServiceAsync("HvFleetAgent");
        await _scm.WaitForAsync(r => r.State == ServiceState.StartPending);

        _time.Advance(Timings.PulseInterval * 3);

        var pending = _scm.Reports.Where(r => r.State == ServiceState.StartPending).ToList();
        Assert.Equal([1, 2, 3, 4], pending.Select(r => r.CheckPoint));
        Assert.All(pending, r => Assert.Equal(Timings.WaitHint, r.WaitHint));
        Assert.All(pending, r => Assert.Equal(ServiceAcceptedControls.None, r.ControlsAccepted));
    }

    [Theory]
    [InlineData(0x1)] // STOP
    [InlineData(0x5)] // SHUTDOWN
    [InlineData(0xF)] // PRESHUTDOWN
    public async Task HandleControl_StopShutdownOrPreshutdown_ReportsStopPendingWhileDrainingThenStopped(int nativeControl)
    {
        var control = (ServiceControl)nativeControl;
        var runner = CreateRunner();
        var life = await StartRunningAsync(runner);

        Assert.Equal(0, _scm.Send(control));
        Assert.Equal(ServiceState.StopPending, runner.Current.State);
        await _workload.StopCalled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The drain takes a while: the SCM sees the checkpoint grow before each wait hint runs out.
        _time.Advance(Timings.PulseInterval * 3);
        var draining = _scm.Reports.Where(r => r.State == ServiceState.StopPending).ToList();
        Assert.Equal([1, 2, 3, 4], draining.Select(r => r.CheckPoint));
        Assert.All(draining, r => Assert.Equal(Timings.WaitHint, r.WaitHint));
        Assert.All(draining, r => Assert.Equal(ServiceAcceptedControls.None, r.ControlsAccepted));
        Assert.False(life.IsCompleted);

        _workload.StopGate.SetResult();
        Assert.Equal(0, await life.WaitAsync(TimeSpan.FromSeconds(30)));
        var last = _scm.Reports[^1];
        Assert.Equal(new ServiceStatusReport(ServiceState.Stopped, ServiceAcceptedControls.None, 0, TimeSpan.Zero), last);
        Assert.Equal(0, _time.ScheduledTimers);
    }

    [Fact]
    public async Task HandleControl_SecondStopWhileDraining_AcceptedAndStopsOnce()
    {
        var runner = CreateRunner();
        var life = await StartRunningAsync(runner);

        Assert.Equal(0, _scm.Send(ServiceControl.Preshutdown));
        Assert.Equal(0, _scm.Send(ServiceControl.Shutdown));
        _workload.StopGate.SetResult();
        await life.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, _workload.StopCalls);
        Assert.Single(_scm.Reports, r => r.State == ServiceState.StopPending && r.CheckPoint == 1);
        Assert.Single(_scm.Reports, r => r.State == ServiceState.Stopped);
    }

    [Fact]
    public async Task HandleControl_StopWhileStarting_RefusedWithCannotAcceptControl()
    {
        var runner = CreateRunner();
        _ = runner.RunServiceAsync("HvFleetAgent");
        await _scm.WaitForAsync(r => r.State == ServiceState.StartPending);

        Assert.Equal(ServiceRunner.ErrorServiceCannotAcceptControl, _scm.Send(ServiceControl.Stop));
        Assert.Equal(ServiceState.StartPending, runner.Current.State);
        Assert.Equal(0, _workload.StopCalls);
    }

    [Theory]
    [InlineData(0x2)] // PAUSE
    [InlineData(0x3)] // CONTINUE
    [InlineData(0x6)] // PARAMCHANGE
    public async Task HandleControl_UnsupportedControl_ReturnsCallNotImplemented(int control)
    {
        var runner = CreateRunner();
        _ = await StartRunningAsync(runner);

        Assert.Equal(ServiceRunner.ErrorCallNotImplemented, _scm.Send((ServiceControl)control));
        Assert.Equal(ServiceState.Running, runner.Current.State);
    }

    [Fact]
    public async Task HandleControl_Interrogate_ReportsCurrentStatusAgain()
    {
        var runner = CreateRunner();
        _ = await StartRunningAsync(runner);
        var before = _scm.Reports.Count;

        Assert.Equal(0, _scm.Send(ServiceControl.Interrogate));

        Assert.Equal(before + 1, _scm.Reports.Count);
        Assert.Equal(_scm.Reports[^2], _scm.Reports[^1]);
        Assert.Equal(ServiceState.Running, _scm.Reports[^1].State);
    }

    [Fact]
    public async Task RunServiceAsync_StartFails_ReportsStoppedWithServiceSpecificExitCode()
    {
        var runner = CreateRunner();
        var life = runner.RunServiceAsync("HvFleetAgent");
        _workload.StartGate.SetException(new InvalidOperationException("Agent:Listen is not a valid address."));

        Assert.Equal(1, await life.WaitAsync(TimeSpan.FromSeconds(30)));
        var last = _scm.Reports[^1];
        Assert.Equal(ServiceState.Stopped, last.State);
        Assert.Equal(ServiceStatusReport.ErrorServiceSpecificError, last.Win32ExitCode);
        Assert.Equal(1, last.ServiceSpecificExitCode);
        Assert.DoesNotContain(_scm.Reports, r => r.State == ServiceState.Running);
        Assert.Equal(0, _time.ScheduledTimers);
    }

    [Fact]
    public async Task RunServiceAsync_HostStopsByItself_DrainsAndReportsFailureSoRecoveryActionsApply()
    {
        var runner = CreateRunner();
        var life = await StartRunningAsync(runner);

        _workload.StopByItself();
        await _workload.StopCalled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ServiceState.StopPending, runner.Current.State);
        _workload.StopGate.SetResult();

        Assert.Equal(1, await life.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ServiceStatusReport.ErrorServiceSpecificError, _scm.Reports[^1].Win32ExitCode);
        Assert.Equal(ServiceState.Stopped, _scm.Reports[^1].State);
    }

    [Fact]
    public async Task RunServiceAsync_DrainOutlivesStopTimeout_CancelsStopAndReportsFailure()
    {
        var runner = CreateRunner();
        var life = await StartRunningAsync(runner);
        _scm.Send(ServiceControl.Stop);
        var stopToken = await _workload.StopCalled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        _time.Advance(Timings.StopTimeout - TimeSpan.FromSeconds(1));
        Assert.False(stopToken.IsCancellationRequested);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(stopToken.IsCancellationRequested);

        Assert.Equal(1, await life.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ServiceState.Stopped, _scm.Reports[^1].State);
        var checkpoints = _scm.Reports.Where(r => r.State == ServiceState.StopPending).Select(r => r.CheckPoint).ToList();
        Assert.Equal(Enumerable.Range(1, checkpoints.Count), checkpoints);
        Assert.True(checkpoints.Count >= (int)(Timings.StopTimeout / Timings.PulseInterval), "the SCM is told the stop progresses until it ends");
    }

    [Fact]
    public void Run_StartedByScm_RunsServiceMainOnAnotherThreadAndReturnsItsExitCode()
    {
        var runner = CreateRunner();
        _workload.StartGate.SetResult();
        _workload.StopGate.SetResult();
        _ = _scm.WaitForAsync(r => r.State == ServiceState.Running).ContinueWith(_ => _scm.Send(ServiceControl.Stop), TaskScheduler.Default);

        var exitCode = runner.Run("HvFleetAgent");

        Assert.Equal(0, exitCode);
        Assert.NotEqual(_scm.DispatcherThreadId, _scm.ServiceMainThreadId);
        Assert.Equal(ServiceState.Stopped, _scm.Reports[^1].State);
    }

    [Fact]
    public void Run_NotStartedByScm_ReturnsNullAndReportsNothing()
    {
        var scm = new FakeServiceControlManager(startedByScm: false);
        var runner = new ServiceRunner(scm, _workload, _time, Timings, NullLogger.Instance);

        Assert.Null(runner.Run("HvFleetAgent"));
        Assert.Empty(scm.Reports);
    }

    [Fact]
    public void Constructor_PulseNotShorterThanWaitHint_Throws()
    {
        var timings = new ServiceRunnerTimings { WaitHint = TimeSpan.FromSeconds(5), PulseInterval = TimeSpan.FromSeconds(5) };

        var error = Assert.Throws<ArgumentException>(() => new ServiceRunner(_scm, _workload, _time, timings, NullLogger.Instance));
        Assert.Contains("PulseInterval", error.Message, StringComparison.Ordinal);
    }

    private async Task<Task<int>> StartRunningAsync(ServiceRunner runner)
    {
        var life = runner.RunServiceAsync("HvFleetAgent");
        _workload.StartGate.TrySetResult();
        await _scm.WaitForAsync(r => r.State == ServiceState.Running);
        return life;
    }
}
