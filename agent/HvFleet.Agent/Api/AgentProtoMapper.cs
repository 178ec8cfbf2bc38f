using Google.Protobuf.WellKnownTypes;
using HvFleet.Agent.Jobs;
using HvFleet.Hypervisors;
using Proto = HvFleet.Protos.Agent.V1;

namespace HvFleet.Agent.Api;

/// <summary>Domain records to and from the agent API's protobuf messages (only at the RPC edge).</summary>
internal static class AgentProtoMapper
{
    public static Proto.Job ToProto(AgentJob job)
    {
        var proto = new Proto.Job
        {
            Id = job.Id,
            Kind = job.Kind switch
            {
                JobKind.CreateSnapshot => Proto.JobKind.CreateSnapshot,
                JobKind.ExportSnapshot => Proto.JobKind.ExportSnapshot,
                JobKind.DeleteSnapshot => Proto.JobKind.DeleteSnapshot,
                _ => Proto.JobKind.Unspecified,
            },
            State = ToProto(job.State),
            Percent = job.Percent,
            BytesDone = job.BytesDone,
            BytesTotal = job.BytesTotal,
            StatusText = job.StatusText ?? string.Empty,
            CreatedAt = Timestamp.FromDateTimeOffset(job.CreatedAt),
            StartedAt = job.StartedAt is { } started ? Timestamp.FromDateTimeOffset(started) : null,
            FinishedAt = job.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
            RequestId = job.RequestId ?? string.Empty,
        };
        proto.TargetIds.AddRange(job.TargetIds);
        proto.Warnings.AddRange(job.Warnings);
        if (job.Error is { } error)
        {
            proto.Error = new Proto.JobError
            {
                HypervCode = error.HyperVCode,
                Summary = error.Summary,
                Description = error.Description,
                CodeFamily = error.Family.ToString().ToLowerInvariant(),
            };
        }

        if (job.Result is { } result)
        {
            proto.Result = new Proto.JobResult
            {
                ExportPath = result.ExportPath ?? string.Empty,
                ManifestPath = result.ManifestPath ?? string.Empty,
                ExportedBytes = result.Bytes,
                ExportedFiles = result.Files,
            };
            proto.Result.SnapshotIds.AddRange(result.SnapshotIds);
        }

        return proto;
    }

    public static Proto.JobState ToProto(JobState state) => state switch
    {
        JobState.Pending => Proto.JobState.Pending,
        JobState.Running => Proto.JobState.Running,
        JobState.Completed => Proto.JobState.Completed,
        JobState.Failed => Proto.JobState.Failed,
        JobState.Cancelled => Proto.JobState.Cancelled,
        _ => Proto.JobState.Unspecified,
    };

    public static JobState? FromProto(Proto.JobState state) => state switch
    {
        Proto.JobState.Pending => JobState.Pending,
        Proto.JobState.Running => JobState.Running,
        Proto.JobState.Completed => JobState.Completed,
        Proto.JobState.Failed => JobState.Failed,
        Proto.JobState.Cancelled => JobState.Cancelled,
        _ => null,
    };

    public static Proto.JobEvent ToEvent(AgentJob job) => new() { Job = ToProto(job), Sequence = job.Sequence };

    public static Proto.VirtualMachine ToProto(VirtualMachineInfo vm)
    {
        var proto = new Proto.VirtualMachine
        {
            Id = vm.Id,
            Name = vm.Name,
            State = vm.State switch
            {
                VmState.Running => Proto.VmState.Running,
                VmState.Off => Proto.VmState.Off,
                VmState.Saved => Proto.VmState.Saved,
                VmState.Paused => Proto.VmState.Paused,
                VmState.Starting => Proto.VmState.Starting,
                VmState.Stopping => Proto.VmState.Stopping,
                VmState.Saving => Proto.VmState.Saving,
                VmState.Busy => Proto.VmState.Busy,
                _ => Proto.VmState.Other,
            },
            EnabledState = vm.EnabledState,
        };
        proto.CollectionIds.AddRange(vm.CollectionIds);
        return proto;
    }

    public static Proto.Collection ToProto(VmCollectionInfo collection)
    {
        var proto = new Proto.Collection
        {
            Id = collection.Id,
            Name = collection.Name,
            Type = collection.Kind == CollectionKind.ManagementCollection ? Proto.CollectionType.Management : Proto.CollectionType.Vm,
        };
        proto.MemberVmIds.AddRange(collection.MemberVmIds);
        return proto;
    }

    public static Proto.Snapshot ToProto(SnapshotInfo snapshot)
    {
        var proto = new Proto.Snapshot
        {
            Id = snapshot.Id,
            Name = snapshot.Name,
            Type = ToProto(snapshot.Kind),
            Scope = snapshot.Scope == SnapshotScope.Collection ? Proto.SnapshotScope.Collection : Proto.SnapshotScope.Vm,
            CreatedAt = Timestamp.FromDateTimeOffset(snapshot.CreatedAt),
            CollectionId = snapshot.CollectionId ?? string.Empty,
        };
        proto.Members.AddRange(snapshot.Members.Select(m => new Proto.VmSnapshot { VmId = m.VmId, VmName = m.VmName, SnapshotId = m.SnapshotId }));
        return proto;
    }

    public static Proto.SnapshotType ToProto(SnapshotKind kind) => kind switch
    {
        SnapshotKind.Standard => Proto.SnapshotType.Standard,
        SnapshotKind.Recovery => Proto.SnapshotType.Recovery,
        _ => Proto.SnapshotType.Unspecified,
    };

    public static SnapshotRequest FromProto(Proto.CreateSnapshotRequest request)
    {
        var target = request.TargetCase == Proto.CreateSnapshotRequest.TargetOneofCase.CollectionId
            ? SnapshotTarget.Collection(request.CollectionId)
            : SnapshotTarget.VirtualMachines([.. request.Vms?.VmIds ?? []]);
        var kind = request.SnapshotType switch
        {
            Proto.SnapshotType.Standard => SnapshotKind.Standard,
            Proto.SnapshotType.Recovery => SnapshotKind.Recovery,
            _ => (SnapshotKind)(int)request.SnapshotType,
        };
        var consistency = request.ConsistencyLevel switch
        {
            Proto.ConsistencyLevel.Unspecified => ConsistencyLevel.Default,
            Proto.ConsistencyLevel.Application => ConsistencyLevel.ApplicationConsistent,
            Proto.ConsistencyLevel.Crash => ConsistencyLevel.CrashConsistent,
            _ => (ConsistencyLevel)(int)request.ConsistencyLevel,
        };
        return new SnapshotRequest(target, kind, string.IsNullOrEmpty(request.Name) ? null : request.Name, consistency);
    }

    public static ExportRequest FromProto(Proto.ExportSnapshotRequest request)
    {
        var settings = request.Settings;
        var options = settings is null
            ? ExportOptions.Default
            : new ExportOptions(
                settings.CopyVmStorage,
                settings.CreateVmExportSubdirectory,
                settings.CopyVmRuntimeInformation,
                settings.BackupIntent switch
                {
                    Proto.BackupIntent.Unspecified => BackupIntent.Default,
                    Proto.BackupIntent.PreserveChain => BackupIntent.PreserveChain,
                    Proto.BackupIntent.Merge => BackupIntent.Merge,
                    _ => (BackupIntent)(int)settings.BackupIntent,
                },
                string.IsNullOrEmpty(settings.DifferentialBackupBase) ? null : settings.DifferentialBackupBase,
                settings.CaptureLiveState switch
                {
                    Proto.CaptureLiveState.Unspecified => CaptureLiveState.Default,
                    Proto.CaptureLiveState.CrashConsistent => CaptureLiveState.CrashConsistent,
                    Proto.CaptureLiveState.SavedState => CaptureLiveState.SavedState,
                    Proto.CaptureLiveState.AppConsistent => CaptureLiveState.ApplicationConsistent,
                    _ => (CaptureLiveState)(int)settings.CaptureLiveState,
                });
        return new ExportRequest(request.SnapshotId, request.ExportDirectory, options, request.Overwrite);
    }
}
