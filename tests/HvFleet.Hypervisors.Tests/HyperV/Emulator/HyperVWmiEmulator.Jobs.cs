using HvFleet.Hypervisors.HyperV.Wmi;

namespace HvFleet.Hypervisors.Tests.HyperV.Emulator;

internal sealed partial class HyperVWmiEmulator
{
    /// <summary>Starts a job for the current call: returns 4096 and sets the Job out-parameter (reference §5.4).</summary>
    private uint StartJob(Call call, ushort jobType, IReadOnlySet<string> holds, Func<DateTimeOffset, IReadOnlyList<string>>? onSuccess, Action? onStopped = null, JobPlan? forced = null)
    {
        var plan = forced ?? (_plans.TryGetValue(call.Method.Name, out var queue) && queue.Count > 0 ? queue.Dequeue() : new JobPlan());
        var now = _time.GetUtcNow();
        var job = new EmulatedJob
        {
            InstanceId = Guid.NewGuid().ToString("D").ToUpperInvariant(),
            Method = call.Method.Name,
            JobType = jobType,
            Plan = plan,
            Duration = plan.Duration ?? DefaultJobDuration,
            Submitted = now,
            Holds = holds,
            OnSuccess = onSuccess,
            OnStopped = onStopped,
        };
        _jobs[job.InstanceId] = job;
        var path = Add("Msvm_ConcreteJob", new()
        {
            ["InstanceID"] = job.InstanceId,
            ["Caption"] = call.Method.Name,
            ["ElementName"] = call.Method.Name,
            ["JobType"] = jobType,
            ["JobState"] = (ushort)2,
            ["PercentComplete"] = (ushort)0,
            ["ErrorCode"] = (ushort)0,
            ["Cancellable"] = plan.Cancellable,
            ["DeleteOnCompletion"] = true,
            ["TimeSubmitted"] = WmiValues.FromDateTime(now),
            ["StartTime"] = WmiValues.FromDateTime(now),
            ["TimeBeforeRemoval"] = WmiValues.FromInterval(TimeBeforeRemoval),
        });
        call.Out["Job"] = path;
        return 4096;
    }

    /// <summary>A job that fails because what it needs is in use by another running job.</summary>
    private uint StartInUseJob(Call call, ushort jobType, string what) =>
        StartJob(call, jobType, new HashSet<string>(), null, null, JobPlan.Failing(
            32774,
            "System is in use",
            $"'{what}' is in use by another operation.",
            $"The operation cannot be performed while '{what}' is in use by another operation."));

    /// <summary>A job that fails because a VM it needs is in a transitional state.</summary>
    private uint StartInvalidStateJob(Call call, ushort jobType, string what, Action? onStopped = null) =>
        StartJob(call, jobType, new HashSet<string>(), null, onStopped, JobPlan.Failing(
            32775,
            "Invalid state for this operation",
            $"'{what}' is not in a state that allows this operation.",
            $"The operation cannot be performed while '{what}' is in its current state."));

    private bool IsHeld(string key) => _externalHolds.Contains(key) || _jobs.Values.Any(j => j.IsRunning && j.Holds.Contains(key));

    /// <summary>Marks something in use by another client (e.g. a backup product's export) until disposed.</summary>
    public IDisposable HoldInUse(string key)
    {
        lock (_lock)
        {
            _externalHolds.Add(key);
        }

        return new Release(() =>
        {
            lock (_lock)
            {
                _externalHolds.Remove(key);
            }
        });
    }

    /// <summary>Holds a snapshot (collection CollectionID, or VM snapshot InstanceID) in use.</summary>
    public IDisposable HoldSnapshotInUse(string snapshotId) =>
        HoldInUse("use:" + (IsSnapshotCollectionId(snapshotId) ? snapshotId : "Microsoft:" + snapshotId));

    private bool IsSnapshotCollectionId(string id)
    {
        lock (_lock)
        {
            return Stored(PathOf("Msvm_SnapshotCollection", ("CollectionID", id))) is not null;
        }
    }

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>Brings every job up to the current (fake) time: progress, final states, effects, removal.</summary>
    private void Pump()
    {
        var now = _time.GetUtcNow();
        foreach (var job in _jobs.Values.Where(j => !j.Removed).ToList())
        {
            if (job.IsRunning)
            {
                Advance(job, now);
            }

            if (!job.IsRunning && now >= job.EndedAt!.Value + (job.Plan.RemoveOnCompletion ? TimeSpan.Zero : TimeBeforeRemoval))
            {
                job.Removed = true;
                Remove(PathOf("Msvm_ConcreteJob", ("InstanceID", job.InstanceId)));
                continue;
            }

            var values = Stored(PathOf("Msvm_ConcreteJob", ("InstanceID", job.InstanceId)))!.Values;
            values["JobState"] = job.State;
            values["PercentComplete"] = job.Percent;
            values["ElapsedTime"] = WmiValues.FromInterval((job.EndedAt ?? now) - job.Submitted);
            values["JobStatus"] = job.IsRunning ? $"Running ({job.Percent}%)" : job.Succeeded ? "Job completed" : "Job failed";
        }
    }

    private void Advance(EmulatedJob job, DateTimeOffset now)
    {
        if (job.KillRequestedAt is { } killed)
        {
            End(job, 9, killed);
            return;
        }

        if (job.TerminateRequestedAt is { } terminated && !job.Plan.IgnoresTerminate && now >= terminated + job.Plan.TerminateDelay)
        {
            End(job, 8, terminated + job.Plan.TerminateDelay);
            return;
        }

        var end = job.Submitted + job.Duration;
        if (!job.Plan.Hang && now >= end)
        {
            End(job, job.Plan.FinalState, end);
            return;
        }

        var fraction = job.Duration <= TimeSpan.Zero ? 0 : Math.Clamp((now - job.Submitted) / job.Duration, 0, 0.99);
        job.Percent = (ushort)(fraction * 100);
        var states = job.Plan.RunningStates;
        job.State = job.TerminateRequestedAt is not null && !job.Plan.IgnoresTerminate
            ? (ushort)6
            : states[Math.Min(states.Count - 1, (int)(fraction * states.Count))];
    }

    private void End(EmulatedJob job, ushort state, DateTimeOffset at)
    {
        job.State = state;
        job.EndedAt = at;
        var values = Stored(PathOf("Msvm_ConcreteJob", ("InstanceID", job.InstanceId)))!.Values;
        values["TimeOfLastStateChange"] = WmiValues.FromDateTime(at);
        if (job.Succeeded)
        {
            job.Percent = 100;
            values["ErrorCode"] = job.Plan.ErrorCode;
            values["ErrorDescription"] = job.Plan.ErrorDescription;
            values["ErrorSummaryDescription"] = job.Plan.ErrorSummaryDescription;
            var jobPath = PathOf("Msvm_ConcreteJob", ("InstanceID", job.InstanceId));
            foreach (var created in job.OnSuccess?.Invoke(at) ?? [])
            {
                if (RecordAffectedElements)
                {
                    Associate("Msvm_AffectedJobElement", jobPath, created);
                }
            }

            return;
        }

        values["ErrorCode"] = state is 8 or 9 && job.Plan.ErrorCode == 0 ? (ushort)32768 : job.Plan.ErrorCode;
        values["ErrorDescription"] = state is 8 or 9 ? "The operation was cancelled." : job.Plan.ErrorDescription;
        values["ErrorSummaryDescription"] = state is 8 or 9 ? "Operation cancelled" : job.Plan.ErrorSummaryDescription;
        job.OnStopped?.Invoke();
    }

    private EmulatedJob JobOf(Call call) => _jobs[(string)call.Target.Values["InstanceID"]!];

    private uint GetErrorEx(Call call)
    {
        var job = JobOf(call);
        call.Out["Errors"] = ErrorTexts(job);
        return 0;
    }

    private uint GetError(Call call)
    {
        var job = JobOf(call);
        call.Out["Error"] = ErrorTexts(job)?.FirstOrDefault();
        return 0;
    }

    /// <summary>Msvm_Error instances while the job is not OK (failed, or completed with warnings); null otherwise.</summary>
    private string[]? ErrorTexts(EmulatedJob job)
    {
        if (job.IsRunning || (job.State == 7 && job.Plan.ErrorCode == 0))
        {
            return null;
        }

        var messages = job.State is 8 or 9 && job.Plan.ErrorMessages.Count == 0
            ? ["The operation was cancelled."]
            : job.Plan.ErrorMessages;
        return [.. messages.Select((m, i) => CimXml.Error(Schema, m, $"{job.Plan.ErrorCode}-{i}", job.InstanceId))];
    }

    /// <summary>Msvm_ConcreteJob.RequestStateChange (reference §5.3): 4 Terminate, 5 Kill; TimeoutPeriod must be null.</summary>
    private uint RequestJobStateChange(Call call)
    {
        var job = JobOf(call);
        var requested = call.In.GetValueOrDefault("RequestedState") as ushort?;
        uint result;
        if (call.In.GetValueOrDefault("TimeoutPeriod") is not null)
        {
            result = call.Fail(4098, "Timeout parameter not supported");
        }
        else if (requested is not (2 or 3 or 4 or 5 or 6))
        {
            result = call.Fail(5, $"RequestedState {requested} is not a valid state");
        }
        else if (requested is not (4 or 5))
        {
            result = call.Fail(1, "only Terminate and Kill are supported");
        }
        else if (!job.IsRunning || !job.Plan.Cancellable)
        {
            result = call.Fail(4097, "invalid state transition");
        }
        else
        {
            if (requested == 4)
            {
                job.TerminateRequestedAt ??= _time.GetUtcNow();
            }
            else
            {
                job.KillRequestedAt ??= _time.GetUtcNow();
            }

            result = 0;
        }

        _stateChanges.Add((job.InstanceId, requested ?? 0, result));
        return result;
    }
}
