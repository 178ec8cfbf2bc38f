using HvFleet.Agent.Service;

namespace HvFleet.Agent.Tests.Service;

/// <summary>Records every status report and lets the test send controls, like the SCM would.</summary>
internal sealed class FakeServiceControlManager(bool startedByScm = true) : IServiceControlManager
{
    private readonly Lock _gate = new();
    private readonly List<ServiceStatusReport> _reports = [];
    private readonly List<(Func<ServiceStatusReport, bool> Match, TaskCompletionSource<ServiceStatusReport> Done)> _waiters = [];
    private Func<ServiceControl, int>? _handler;

    public string? RegisteredName { get; private set; }

    public int? DispatcherThreadId { get; private set; }

    public int? ServiceMainThreadId { get; private set; }

    public IReadOnlyList<ServiceStatusReport> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public bool RunDispatcher(string serviceName, Action serviceMain)
    {
        if (!startedByScm)
        {
            return false;
        }

        // The real SCM calls ServiceMain on a thread of its own and returns once it has returned.
        DispatcherThreadId = Environment.CurrentManagedThreadId;
        var thread = new Thread(() =>
        {
            ServiceMainThreadId = Environment.CurrentManagedThreadId;
            serviceMain();
        });
        thread.Start();
        thread.Join();
        return true;
    }

    public void RegisterControlHandler(string serviceName, Func<ServiceControl, int> handler)
    {
        RegisteredName = serviceName;
        _handler = handler;
    }

    public void SetStatus(ServiceStatusReport status)
    {
        List<TaskCompletionSource<ServiceStatusReport>> done = [];
        lock (_gate)
        {
            _reports.Add(status);
            foreach (var waiter in _waiters.Where(w => w.Match(status)).ToList())
            {
                _waiters.Remove(waiter);
                done.Add(waiter.Done);
            }
        }

        foreach (var tcs in done)
        {
            tcs.TrySetResult(status);
        }
    }

    public int Send(ServiceControl control) =>
        (_handler ?? throw new InvalidOperationException("No control handler registered."))(control);

    /// <summary>Completes with the first report (past or future) that matches.</summary>
    public Task<ServiceStatusReport> WaitForAsync(Func<ServiceStatusReport, bool> match)
    {
        var tcs = new TaskCompletionSource<ServiceStatusReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var report in _reports)
            {
                if (match(report))
                {
                    tcs.TrySetResult(report);
                    return tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
                }
            }

            _waiters.Add((match, tcs));
        }

        return tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
