using HvFleet.Hypervisors.HyperV.Wmi;
using Microsoft.Extensions.Logging;

namespace HvFleet.Hypervisors.HyperV.Jobs;

/// <summary>
/// Follows an Msvm_ConcreteJob to its end (reference §5.5, "recommended agent logic"): poll at a short
/// interval, 2–6 and 12 keep waiting, 7 and 32768 succeed (warnings on 32768 or a non-zero ErrorCode),
/// 8/9/10/11 fail with the job's error fields and GetErrorEx messages. The final state is read well
/// within the job's 5-minute TimeBeforeRemoval; a job that vanishes first fails clearly. Cancellation
/// sends Terminate, then Kill.
/// </summary>
internal sealed partial class HyperVJobFollower
{
    private const uint StateCompleted = 7;
    private const uint StateTerminated = 8;
    private const uint StateKilled = 9;
    private const uint StateException = 10;
    private const uint StateService = 11;
    private const uint StateCompletedWithWarnings = 32768;

    private readonly IWmiConnection _connection;
    private readonly HyperVOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>A follower of the jobs of the host behind <paramref name="connection"/> (the WMI seam, nothing of the backend).</summary>
    public HyperVJobFollower(IWmiConnection connection, HyperVOptions options, TimeProvider time, ILogger logger)
    {
        _connection = connection;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Binds the job a method started, reports its InstanceID for re-attach, and follows it.
    /// </summary>
    public async Task<JobCompletion> FollowAsync(string jobPath, BackendOperationKind operation, HyperVResumeState? state, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var job = _connection.GetObject(jobPath) ?? throw Vanished(jobPath, "before it could be read");
        var instanceId = WmiValues.ToText(job["InstanceID"]) ?? jobPath;
        LogJobStarted(_logger, instanceId, operation, state?.Target);
        try
        {
            observer.ReportBackendJob(new BackendJobReference(instanceId, operation, state?.ToJson()));
        }
        catch
        {
            // Nobody could re-attach to a job the agent failed to record: stop it rather than leave it running.
            await AbandonAsync(job, instanceId);
            throw;
        }

        return await FollowBoundAsync(job, instanceId, observer, cancellationToken);
    }

    /// <summary>Finds a job by InstanceID (after an agent restart); null when Hyper-V no longer has it.</summary>
    public IWmiObject? Find(string instanceId) =>
        _connection.Query($"SELECT * FROM {HyperVNames.ConcreteJob} WHERE InstanceID = {WmiValues.QuoteWql(instanceId)}") is { Count: > 0 } found ? found[0] : null;

    public async Task<JobCompletion> FollowBoundAsync(IWmiObject job, string instanceId, IOperationObserver observer, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var lastPercent = -1;
        var firstRead = true;
        while (true)
        {
            if (!firstRead)
            {
                Refresh(job, instanceId);
            }

            firstRead = false;
            var state = WmiValues.ToUInt32(job["JobState"]) ?? 0;
            var percent = (int)Math.Min(100, WmiValues.ToUInt32(job["PercentComplete"]) ?? 0);
            if (percent != lastPercent)
            {
                lastPercent = percent;
                try
                {
                    observer.ReportProgress(new HypervisorProgress(percent, 0, 0, WmiValues.ToText(job["JobStatus"])));
                }
                catch
                {
                    await AbandonAsync(job, instanceId);
                    throw;
                }
            }

            if (IsTerminal(state))
            {
                return Finish(job, instanceId, state, cancellationToken);
            }

            if (_time.GetElapsedTime(started) >= _options.JobTimeout)
            {
                LogJobTimedOut(_logger, instanceId, _options.JobTimeout);
                var outcome = await StopAsync(job, instanceId);
                if (outcome is { } completed && IsSuccess(completed.State))
                {
                    return Finish(job, instanceId, completed.State, CancellationToken.None);
                }

                throw new HypervisorException(
                    HypervisorErrorKind.Timeout,
                    HyperVCodes.MsvmTimeout,
                    HyperVCodeFamily.Agent,
                    $"Hyper-V job {instanceId} did not finish within {_options.JobTimeout} (last at {percent}%); it was asked to stop if cancellable.");
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                var outcome = await StopAsync(job, instanceId);
                if (outcome is { } completed && IsSuccess(completed.State))
                {
                    // The job finished before the stop request took effect: its result exists, so report it.
                    return Finish(job, instanceId, completed.State, CancellationToken.None);
                }

                throw;
            }
        }
    }

    /// <summary>Stops a job this agent will not follow any more; failures to do so are only logged.</summary>
    private async Task AbandonAsync(IWmiObject job, string instanceId)
    {
        LogJobAbandoned(_logger, instanceId);
        try
        {
            await StopAsync(job, instanceId);
        }
        catch (WmiException ex)
        {
            LogGetErrorExFailed(_logger, ex.Message);
        }
    }

    private static bool IsTerminal(uint state) => state is >= StateCompleted and <= StateService or StateCompletedWithWarnings;

    private static bool IsSuccess(uint state) => state is StateCompleted or StateCompletedWithWarnings;

    private void Refresh(IWmiObject job, string instanceId)
    {
        try
        {
            job.Refresh();
        }
        catch (WmiException ex) when (ex.Kind == WmiErrorKind.NotFound)
        {
            throw Vanished(instanceId, "before its final state was read", ex);
        }
    }

    private HypervisorException Vanished(string instanceId, string when, Exception? inner = null)
    {
        LogJobVanished(_logger, instanceId);
        return new HypervisorException(
            HypervisorErrorKind.Failed,
            HyperVCodes.MsvmStatusUnknown,
            HyperVCodeFamily.Agent,
            $"The Hyper-V job {instanceId} disappeared {when} (Hyper-V removes finished jobs 5 minutes after they end); its outcome is unknown.",
            inner);
    }

    private JobCompletion Finish(IWmiObject job, string instanceId, uint state, CancellationToken cancellationToken)
    {
        var errorCode = WmiValues.ToUInt32(job["ErrorCode"]) ?? 0;
        var path = job.Path ?? instanceId;
        if (IsSuccess(state))
        {
            var warnings = new List<string>();
            if (state == StateCompletedWithWarnings || errorCode != 0)
            {
                var details = ErrorDetails(job, path);
                var summary = state == StateCompletedWithWarnings
                    ? $"Hyper-V job {instanceId} completed with warnings (JobState 32768)"
                    : $"Hyper-V job {instanceId} completed but reported ErrorCode {errorCode} ({HyperVCodes.Describe(errorCode, HyperVCodeFamily.Job)})";
                warnings.Add(details.Length > 0 ? $"{summary}: {details}" : summary + ".");
                LogJobCompletedWithWarnings(_logger, instanceId, state, errorCode);
            }
            else
            {
                LogJobCompleted(_logger, instanceId);
            }

            return new JobCompletion(path, instanceId, warnings);
        }

        if (state is StateTerminated or StateKilled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"Hyper-V job {instanceId} was stopped (JobState {state}).", cancellationToken);
        }

        var text = ErrorDetails(job, path);
        var stateName = state switch
        {
            StateTerminated => "terminated",
            StateKilled => "killed",
            StateException => "failed",
            _ => "stopped in the service state",
        };
        LogJobFailed(_logger, instanceId, state, errorCode);

        // The job's ErrorCode is carried unchanged; a failed job with ErrorCode 0 is reported as Msvm "Failed".
        var code = errorCode != 0 ? errorCode : HyperVCodes.MsvmFailed;
        var kind = errorCode != 0 ? HyperVValues.KindOf(errorCode, HyperVCodeFamily.Job) : HypervisorErrorKind.Failed;
        throw new HypervisorException(
            kind,
            code,
            HyperVCodeFamily.Job,
            $"Hyper-V job {instanceId} {stateName} (JobState {state}, ErrorCode {errorCode})" + (text.Length > 0 ? ": " + text : "."));
    }

    /// <summary>ErrorSummaryDescription, ErrorDescription and the Msvm_Error Messages of GetErrorEx, without repeats.</summary>
    private string ErrorDetails(IWmiObject job, string jobPath)
    {
        var parts = new List<string>();
        void Add(string? text)
        {
            if (!string.IsNullOrWhiteSpace(text) && !parts.Contains(text.Trim(), StringComparer.Ordinal))
            {
                parts.Add(text.Trim());
            }
        }

        Add(WmiValues.ToText(job["ErrorSummaryDescription"]));
        Add(WmiValues.ToText(job["ErrorDescription"]));
        try
        {
            var output = _connection.InvokeMethod(jobPath, "GetErrorEx", null);
            if (WmiValues.ToUInt32(output["ReturnValue"]) == HyperVCodes.Completed)
            {
                foreach (var error in WmiValues.ToStrings(output["Errors"]))
                {
                    Add(WmiValues.ReadEmbeddedProperty(error, "Message") ?? error);
                }
            }
        }
        catch (WmiException ex)
        {
            // The error fields above still say what happened; GetErrorEx only adds detail.
            LogGetErrorExFailed(_logger, ex.Message);
        }

        return string.Join(" | ", parts);
    }

    /// <summary>
    /// Stops a job: Terminate (4), and Kill (5) when Terminate has not ended it within the grace
    /// period (reference §5.3). Returns the terminal state reached, or null when it was not
    /// cancellable or did not end.
    /// </summary>
    private async Task<(uint State, bool Stopped)?> StopAsync(IWmiObject job, string instanceId)
    {
        try
        {
            Refresh(job, instanceId);
        }
        catch (HypervisorException)
        {
            return null;
        }

        var state = WmiValues.ToUInt32(job["JobState"]) ?? 0;
        if (IsTerminal(state))
        {
            return (state, !IsSuccess(state));
        }

        if (!WmiValues.ToBoolean(job["Cancellable"]))
        {
            LogJobNotCancellable(_logger, instanceId);
            return null;
        }

        foreach (var request in new[] { HyperVValues.JobTerminate, HyperVValues.JobKill })
        {
            var accepted = RequestStateChange(job, instanceId, request);
            var deadline = _time.GetTimestamp();
            while (accepted && _time.GetElapsedTime(deadline) < _options.CancelGracePeriod)
            {
                await Task.Delay(_options.PollInterval, _time, CancellationToken.None);
                try
                {
                    Refresh(job, instanceId);
                }
                catch (HypervisorException)
                {
                    return null;
                }

                state = WmiValues.ToUInt32(job["JobState"]) ?? 0;
                if (IsTerminal(state))
                {
                    return (state, !IsSuccess(state));
                }
            }
        }

        return null;
    }

    private bool RequestStateChange(IWmiObject job, string instanceId, ushort requestedState)
    {
        try
        {
            var path = job.Path ?? throw new WmiException(WmiErrorKind.NotFound, "job has no path");
            var input = _connection.GetMethodParameters(path, "RequestStateChange");
            input["RequestedState"] = requestedState;

            // TimeoutPeriod stays null: a non-null value may be refused with 4098 (reference §5.3).
            var output = _connection.InvokeMethod(path, "RequestStateChange", input);
            var returnValue = WmiValues.ToUInt32(output["ReturnValue"]) ?? uint.MaxValue;
            LogStateChangeRequested(_logger, instanceId, requestedState, returnValue);
            return returnValue is HyperVCodes.Completed or HyperVCodes.JobStarted;
        }
        catch (WmiException ex)
        {
            LogGetErrorExFailed(_logger, ex.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 4101, EventName = "HyperVJobStarted", Level = LogLevel.Information, Message = "Hyper-V job {InstanceId} started for {Operation} of {TargetId}")]
    private static partial void LogJobStarted(ILogger logger, string instanceId, BackendOperationKind operation, string? targetId);

    [LoggerMessage(EventId = 4102, EventName = "HyperVJobCompleted", Level = LogLevel.Information, Message = "Hyper-V job {InstanceId} completed")]
    private static partial void LogJobCompleted(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 4103, EventName = "HyperVJobCompletedWithWarnings", Level = LogLevel.Warning, Message = "Hyper-V job {InstanceId} completed with warnings (JobState {JobState}, ErrorCode {ErrorCode})")]
    private static partial void LogJobCompletedWithWarnings(ILogger logger, string instanceId, uint jobState, uint errorCode);

    [LoggerMessage(EventId = 4104, EventName = "HyperVJobFailed", Level = LogLevel.Warning, Message = "Hyper-V job {InstanceId} failed (JobState {JobState}, ErrorCode {ErrorCode})")]
    private static partial void LogJobFailed(ILogger logger, string instanceId, uint jobState, uint errorCode);

    [LoggerMessage(EventId = 4105, EventName = "HyperVJobVanished", Level = LogLevel.Error, Message = "Hyper-V job {InstanceId} disappeared before its final state was read")]
    private static partial void LogJobVanished(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 4106, EventName = "HyperVJobTimedOut", Level = LogLevel.Warning, Message = "Hyper-V job {InstanceId} exceeded the client timeout {Timeout}")]
    private static partial void LogJobTimedOut(ILogger logger, string instanceId, TimeSpan timeout);

    [LoggerMessage(EventId = 4107, EventName = "HyperVJobNotCancellable", Level = LogLevel.Warning, Message = "Hyper-V job {InstanceId} is not cancellable; it keeps running on the host")]
    private static partial void LogJobNotCancellable(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 4108, EventName = "HyperVJobStateChangeRequested", Level = LogLevel.Information, Message = "Requested state {RequestedState} for Hyper-V job {InstanceId}: returned {ReturnValue}")]
    private static partial void LogStateChangeRequested(ILogger logger, string instanceId, ushort requestedState, uint returnValue);

    [LoggerMessage(EventId = 4113, EventName = "HyperVJobAbandoned", Level = LogLevel.Warning, Message = "The agent failed while following Hyper-V job {InstanceId}; stopping the job")]
    private static partial void LogJobAbandoned(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 4109, EventName = "HyperVJobErrorDetailsUnavailable", Level = LogLevel.Debug, Message = "Could not read Hyper-V job details: {Reason}")]
    private static partial void LogGetErrorExFailed(ILogger logger, string reason);
}
