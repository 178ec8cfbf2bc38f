namespace HvFleet.Hypervisors.Lab;

/// <summary>
/// Injects latency (at the start of an operation) and failures (just before it commits, so that
/// every rollback path runs) into lab operations, as configured or as set at run time.
/// </summary>
internal sealed class LabFaultInjector
{
    private readonly object _gate = new();
    private readonly LabFaultOptions _defaults;
    private readonly Dictionary<BackendOperationKind, LabFaultOptions> _perOperation;
    private readonly Dictionary<BackendOperationKind, int> _failNext = [];
    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private int _failNextAny;

    public LabFaultInjector(LabHypervisorOptions options, TimeProvider timeProvider)
    {
        _defaults = options.Faults;
        _perOperation = new Dictionary<BackendOperationKind, LabFaultOptions>(options.OperationFaults);
        _timeProvider = timeProvider;
        _random = options.FaultRandomSeed is int seed ? new Random(seed) : new Random();
        _failNextAny = _defaults.FailNext;
        foreach (var (operation, faults) in _perOperation)
        {
            _failNext[operation] = faults.FailNext;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> operations (of one kind, or any) fail.</summary>
    public void FailNext(int count, BackendOperationKind? operation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            if (operation is { } kind)
            {
                _failNext[kind] = count;
            }
            else
            {
                _failNextAny = count;
            }
        }
    }

    /// <summary>Waits the configured delay for <paramref name="operation"/>; honours cancellation.</summary>
    public Task DelayAsync(BackendOperationKind operation, CancellationToken cancellationToken)
    {
        var delay = For(operation).Delay;
        return delay > TimeSpan.Zero ? Task.Delay(delay, _timeProvider, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Waits the configured after-commit delay for <paramref name="operation"/>; the operation has committed,
    /// so a cancel no longer stops it (it would report a cancel for work that is done).</summary>
    public Task DelayAfterCommitAsync(BackendOperationKind operation)
    {
        var delay = For(operation).DelayAfterCommit;
        return delay > TimeSpan.Zero ? Task.Delay(delay, _timeProvider, CancellationToken.None) : Task.CompletedTask;
    }

    /// <summary>Throws the configured failure if this operation is chosen to fail.</summary>
    public void ThrowIfInjected(BackendOperationKind operation)
    {
        var faults = For(operation);
        bool fail;
        lock (_gate)
        {
            if (_failNext.TryGetValue(operation, out int left) && left > 0)
            {
                _failNext[operation] = left - 1;
                fail = true;
            }
            else if (_failNextAny > 0)
            {
                _failNextAny--;
                fail = true;
            }
            else
            {
                fail = faults.FailureProbability > 0 && _random.NextDouble() < faults.FailureProbability;
            }
        }

        if (fail)
        {
            uint code = faults.FailureCode;
            var family = code is >= 1 and <= 6 ? HyperVCodeFamily.Cim : HyperVCodeFamily.Msvm;
            var kind = code switch
            {
                HyperVCodes.InvalidState or HyperVCodes.MsvmInvalidState => HypervisorErrorKind.InvalidState,
                HyperVCodes.InvalidParameter or HyperVCodes.MsvmInvalidParameter => HypervisorErrorKind.InvalidParameter,
                HyperVCodes.MsvmSystemInUse => HypervisorErrorKind.InUse,
                HyperVCodes.Timeout or HyperVCodes.MsvmTimeout => HypervisorErrorKind.Timeout,
                HyperVCodes.NotSupported or HyperVCodes.MsvmNotSupported => HypervisorErrorKind.NotSupported,
                HyperVCodes.MsvmAccessDenied => HypervisorErrorKind.AccessDenied,
                _ => HypervisorErrorKind.Failed,
            };
            throw new HypervisorException(kind, code, family, $"Injected failure of {operation} (lab fault injection).");
        }
    }

    private LabFaultOptions For(BackendOperationKind operation) =>
        _perOperation.TryGetValue(operation, out var faults) ? faults : _defaults;
}
