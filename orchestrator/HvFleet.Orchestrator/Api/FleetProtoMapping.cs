using Google.Protobuf.WellKnownTypes;
using HvFleet.Orchestrator.Inventory;
using HvFleet.Orchestrator.Operations;
using HvFleet.Orchestrator.Policy;
using PbFleet = HvFleet.Protos.Orchestrator.V1;
using PbAgent = HvFleet.Protos.Agent.V1;

namespace HvFleet.Orchestrator.Api;

/// <summary>Domain records ↔ <c>hvfleet.orchestrator.v1</c> messages. Protobuf stops here: the engine never sees it.</summary>
public static class FleetProtoMapping
{
    /// <summary>Default retries when the request leaves max_retries at 0 (proto3 cannot tell unset from 0; send -1 for none).</summary>
    public const int DefaultMaxRetries = 2;

    public static FleetPolicy ToDomain(PbFleet.Policy? policy)
    {
        if (policy is null)
        {
            return FleetPolicy.Default;
        }

        var backoff = policy.RetryBackoff is { } b && b.ToTimeSpan() > TimeSpan.Zero ? b.ToTimeSpan() : FleetPolicy.Default.RetryBackoff;
        var backoffMax = policy.RetryBackoffMax is { } m && m.ToTimeSpan() > TimeSpan.Zero ? m.ToTimeSpan() : FleetPolicy.Default.RetryBackoffMax;
        return new FleetPolicy
        {
            MaxHostsInFlight = policy.MaxHostsInFlight,
            MaxJobsPerHost = policy.MaxJobsPerHost == 0 ? 1 : policy.MaxJobsPerHost,
            MaxPerStorageKey = policy.MaxPerStorageKey,
            HostTimeout = policy.HostTimeout is { } t && t.ToTimeSpan() != TimeSpan.Zero ? t.ToTimeSpan() : null,
            MaxRetries = policy.MaxRetries switch { 0 => DefaultMaxRetries, < 0 => 0, var n => n },
            RetryBackoff = backoff,
            RetryBackoffMax = backoffMax < backoff ? backoff : backoffMax,
            FailureBudget = Budget(policy.FailureBudget, policy.FailureBudgetSet),
            WaveSize = policy.WaveSize,
            WaveFailureBudget = Budget(policy.WaveFailureBudget, policy.WaveFailureBudgetSet),
            CleanupOnFailure = policy.CleanupOnFailure,
        };
    }

    public static PbFleet.Policy ToProto(FleetPolicy policy) => new()
    {
        MaxHostsInFlight = policy.MaxHostsInFlight,
        MaxJobsPerHost = policy.MaxJobsPerHost,
        MaxPerStorageKey = policy.MaxPerStorageKey,
        HostTimeout = policy.HostTimeout is { } t ? Duration.FromTimeSpan(t) : null,
        MaxRetries = policy.MaxRetries == 0 ? -1 : policy.MaxRetries,
        RetryBackoff = Duration.FromTimeSpan(policy.RetryBackoff),
        RetryBackoffMax = Duration.FromTimeSpan(policy.RetryBackoffMax),
        FailureBudget = policy.FailureBudget ?? -1,
        FailureBudgetSet = true,
        WaveSize = policy.WaveSize,
        WaveFailureBudget = policy.WaveFailureBudget ?? -1,
        WaveFailureBudgetSet = true,
        CleanupOnFailure = policy.CleanupOnFailure,
    };

    public static HostSelector ToDomain(PbFleet.HostSelector? selector) => selector is null
        ? new HostSelector()
        : new HostSelector { All = selector.All, Names = selector.Names.ToList(), Labels = new Dictionary<string, string>(selector.Labels) };

    public static PbFleet.HostSelector ToProto(HostSelector selector)
    {
        var proto = new PbFleet.HostSelector { All = selector.All };
        proto.Names.AddRange(selector.Names);
        proto.Labels.Add(selector.Labels.ToDictionary());
        return proto;
    }

    public static TargetSelector ToDomain(PbFleet.TargetSelector? selector) => selector?.TargetCase switch
    {
        PbFleet.TargetSelector.TargetOneofCase.Collections => new TargetSelector { Kind = TargetSelectorKind.Collections, Names = selector.Collections.Names.ToList() },
        PbFleet.TargetSelector.TargetOneofCase.Vms => new TargetSelector { Kind = TargetSelectorKind.VirtualMachines, Names = selector.Vms.Names.ToList() },
        _ => TargetSelector.AllCollections,
    };

    public static PbFleet.TargetSelector ToProto(TargetSelector selector) => selector.Kind switch
    {
        TargetSelectorKind.Collections => new PbFleet.TargetSelector { Collections = new PbFleet.NameList { Names = { selector.Names } } },
        TargetSelectorKind.VirtualMachines => new PbFleet.TargetSelector { Vms = new PbFleet.NameList { Names = { selector.Names } } },
        _ => new PbFleet.TargetSelector { AllCollections = true },
    };

    public static FleetExportOptions ToDomain(PbAgent.ExportSettings? settings, bool overwrite) => settings is null
        ? new FleetExportOptions { Overwrite = overwrite }
        : new FleetExportOptions
        {
            CopyVmStorage = settings.CopyVmStorage,
            CreateVmExportSubdirectory = settings.CreateVmExportSubdirectory,
            CopyVmRuntimeInformation = settings.CopyVmRuntimeInformation,
            BackupIntent = (int)settings.BackupIntent,
            DifferentialBackupBase = settings.DifferentialBackupBase,
            CaptureLiveState = (int)settings.CaptureLiveState,
            Overwrite = overwrite,
        };

    public static PbFleet.Operation ToProto(FleetOperation operation, DateTimeOffset now)
    {
        var proto = new PbFleet.Operation
        {
            Id = operation.Id,
            Kind = operation.Kind == OperationKind.Export ? PbFleet.OperationKind.Export : PbFleet.OperationKind.Snapshot,
            State = ToProto(operation.State),
            CreatedAt = Timestamp.FromDateTimeOffset(operation.CreatedAt),
            StartedAt = Stamp(operation.StartedAt),
            FinishedAt = Stamp(operation.FinishedAt),
            RequestId = operation.RequestId,
            Hosts = ToProto(operation.Hosts),
            Targets = ToProto(operation.Targets),
            SnapshotType = operation.SnapshotKind == FleetSnapshotKind.Standard ? PbAgent.SnapshotType.Standard : PbAgent.SnapshotType.Recovery,
            Policy = ToProto(operation.Policy),
            DryRun = operation.DryRun,
            SourceOperationId = operation.SourceOperationId,
            DestinationTemplate = operation.DestinationTemplate,
            Summary = ToProto(operation.Summarize(now)),
            Message = operation.Message,
            SnapshotName = operation.SnapshotName,
            RetryOf = operation.RetryOf,
        };
        if (operation.Kind == OperationKind.Export)
        {
            var o = operation.ExportOptions;
            proto.ExportSettings = new PbAgent.ExportSettings
            {
                CopyVmStorage = o.CopyVmStorage,
                CreateVmExportSubdirectory = o.CreateVmExportSubdirectory,
                CopyVmRuntimeInformation = o.CopyVmRuntimeInformation,
                BackupIntent = (PbAgent.BackupIntent)o.BackupIntent,
                DifferentialBackupBase = o.DifferentialBackupBase,
                CaptureLiveState = (PbAgent.CaptureLiveState)o.CaptureLiveState,
            };
        }

        proto.Tasks.AddRange(operation.Tasks.Select(ToProto));
        return proto;
    }

    public static PbFleet.HostTask ToProto(FleetTask task)
    {
        var proto = new PbFleet.HostTask
        {
            Id = task.Id,
            HostName = task.HostName,
            TargetKind = task.TargetKind switch
            {
                TargetKind.Collection => PbFleet.TargetKind.Collection,
                TargetKind.VirtualMachine => PbFleet.TargetKind.Vm,
                _ => PbFleet.TargetKind.Snapshot,
            },
            TargetId = task.TargetId,
            TargetName = task.TargetName,
            Outcome = (PbFleet.TaskOutcome)(int)task.Outcome,
            AgentJobId = task.AgentJobId,
            ExportPath = task.ExportPath,
            Attempts = task.Attempts,
            StartedAt = Stamp(task.StartedAt),
            FinishedAt = Stamp(task.FinishedAt),
            Percent = task.Percent,
            BytesDone = task.BytesDone,
            BytesTotal = task.BytesTotal,
            Wave = task.Wave,
            RequestId = task.RequestId,
            StatusText = task.StatusText,
        };
        proto.SnapshotIds.AddRange(task.SnapshotIds);
        if (task.Error is { } error)
        {
            proto.Error = new PbFleet.TaskError { HypervCode = error.HyperVCode, Summary = error.Summary, Description = error.Description, GrpcStatus = error.GrpcStatus };
        }

        return proto;
    }

    public static PbFleet.OperationSummary ToProto(OperationSummary summary) => new()
    {
        Total = summary.Total,
        Done = summary.Done,
        Succeeded = summary.Succeeded,
        Failed = summary.Failed,
        Skipped = summary.Skipped,
        Unreachable = summary.Unreachable,
        TimedOut = summary.TimedOut,
        Cancelled = summary.Cancelled,
        Running = summary.Running,
        Pending = summary.Pending,
        BytesDone = summary.BytesDone,
        BytesTotal = summary.BytesTotal,
        Percent = summary.Percent,
        Eta = summary.Eta is { } eta ? Duration.FromTimeSpan(eta) : null,
    };

    public static PbFleet.OperationState ToProto(OperationState state) => (PbFleet.OperationState)(int)state;

    public static OperationState ToDomain(PbFleet.OperationState state) => (OperationState)(int)state;

    public static PbFleet.OperationEvent ToProto(OperationEvent update, DateTimeOffset now) => new()
    {
        Sequence = update.Sequence,
        State = ToProto(update.State),
        Operation = update.Operation is null ? null : ToProto(update.Operation, now),
        Task = update.Task is null ? null : ToProto(update.Task),
        Summary = ToProto(update.Summary),
    };

    public static PbFleet.Host ToProto(HostStatus status)
    {
        var proto = new PbFleet.Host
        {
            Name = status.Host.Name,
            Address = status.Host.Address,
            StorageKey = status.Host.StorageKey,
            TlsIdentity = status.Host.TlsIdentity,
            Reachability = status.Reachability switch
            {
                HostReachability.Reachable => PbFleet.Reachability.Reachable,
                HostReachability.Unreachable => PbFleet.Reachability.Unreachable,
                HostReachability.NotServing => PbFleet.Reachability.NotServing,
                _ => PbFleet.Reachability.Unspecified,
            },
            Backend = status.Backend switch
            {
                "lab" => PbAgent.Backend.Lab,
                "hyperv" => PbAgent.Backend.Hyperv,
                _ => PbAgent.Backend.Unspecified,
            },
            AgentVersion = status.AgentVersion,
            CheckedAt = Stamp(status.CheckedAt),
            Error = status.Error,
        };
        proto.Labels.Add(status.Host.Labels.ToDictionary());
        if (status.Certificate is { } certificate)
        {
            proto.Certificate = new PbAgent.CertificateInfo
            {
                Subject = certificate.Subject,
                NotBefore = Stamp(certificate.NotBefore),
                NotAfter = Stamp(certificate.NotAfter),
                ExpiresSoon = certificate.ExpiresSoon,
                Thumbprint = certificate.Thumbprint,
            };
        }

        return proto;
    }

    private static int? Budget(int value, bool set) => (value, set) switch
    {
        ( < 0, _) => null,
        (0, false) => null,
        _ => value,
    };

    private static Timestamp? Stamp(DateTimeOffset? value) => value is { } v ? Timestamp.FromDateTimeOffset(v) : null;
}
