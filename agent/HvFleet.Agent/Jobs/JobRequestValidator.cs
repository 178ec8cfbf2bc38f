using HvFleet.Hypervisors;
using HvFleet.Security.Paths;
using HvFleet.Security.Text;

namespace HvFleet.Agent.Jobs;

/// <summary>
/// Checks mutating requests before a job exists. Every failure is reported (not just the first),
/// each naming its API field, so the RPC layer can answer INVALID_ARGUMENT with all of them.
/// </summary>
internal static class JobRequestValidator
{
    /// <summary>Longest id accepted: GUIDs and the backends' own id formats fit well within it.</summary>
    public const int MaxIdLength = 256;

    /// <summary>Hyper-V's limit for VM, group and checkpoint names.</summary>
    public const int MaxNameLength = 100;

    /// <summary>Most VMs one per-VM snapshot request may name.</summary>
    public const int MaxVmIds = 1024;

    public static IReadOnlyList<FieldError> ValidateCreateSnapshot(SnapshotRequest request, string? requestId)
    {
        var errors = new List<FieldError>();
        if (request.Target.CollectionId is { } collectionId)
        {
            ValidateId("collection_id", collectionId, errors);
            if (request.Consistency != ConsistencyLevel.Default)
            {
                errors.Add(new("consistency_level",
                    "applies to per-VM snapshots (vms) only; a collection snapshot uses the host's default consistency"));
            }
        }
        else
        {
            var vmIds = request.Target.VmIds;
            if (vmIds.Count == 0)
            {
                errors.Add(new("vms.vm_ids", "at least one VM id is required (or set collection_id)"));
            }
            else if (vmIds.Count > MaxVmIds)
            {
                errors.Add(new("vms.vm_ids", $"at most {MaxVmIds} VM ids per request, got {vmIds.Count}"));
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < Math.Min(vmIds.Count, MaxVmIds); i++)
            {
                ValidateId($"vms.vm_ids[{i}]", vmIds[i], errors);
                if (!string.IsNullOrEmpty(vmIds[i]) && !seen.Add(vmIds[i]))
                {
                    errors.Add(new($"vms.vm_ids[{i}]", $"'{vmIds[i]}' is listed more than once"));
                }
            }
        }

        if (!Enum.IsDefined(request.Kind))
        {
            errors.Add(new("snapshot_type", $"must be STANDARD (1) or RECOVERY (2), got {(int)request.Kind}"));
        }

        if (!Enum.IsDefined(request.Consistency))
        {
            errors.Add(new("consistency_level", $"unknown value {(int)request.Consistency}"));
        }

        ValidateName("name", request.Name, errors);
        ValidateRequestId(requestId, errors);
        return errors;
    }

    /// <summary>
    /// Checks an export and confines its directory; on success <paramref name="confined"/> is the
    /// request with the resolved, link-free directory that the job must use.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateExportSnapshot(
        ExportRequest request, string? requestId, IReadOnlyList<string> exportRoots, out ExportRequest? confined) =>
        ValidateExportSnapshot(request, requestId, ExportPathConfinement.Decide(request.ExportDirectory, exportRoots), out confined);

    /// <summary>As above, with the export path policy's decision on the directory already taken (once per request).</summary>
    public static IReadOnlyList<FieldError> ValidateExportSnapshot(
        ExportRequest request, string? requestId, ExportPathDecision path, out ExportRequest? confined)
    {
        var errors = new List<FieldError>();
        ValidateId("snapshot_id", request.SnapshotId, errors);
        var directory = path.Path;
        var root = path.Root;
        if (path.Reason is { } pathError)
        {
            errors.Add(new("export_directory", pathError));
        }
        else if ((BidiControls.Describe(request.ExportDirectory) ?? FileSystemNameLimits.Check(directory)) is { } unusable)
        {
            errors.Add(new("export_directory", unusable));
        }

        var options = request.Options;
        if (!Enum.IsDefined(options.BackupIntent))
        {
            errors.Add(new("settings.backup_intent", $"unknown value {(int)options.BackupIntent}"));
        }

        if (!Enum.IsDefined(options.CaptureLiveState))
        {
            errors.Add(new("settings.capture_live_state", $"unknown value {(int)options.CaptureLiveState}"));
        }

        if (!string.IsNullOrEmpty(options.DifferentialBackupBase))
        {
            ValidateId("settings.differential_backup_base", options.DifferentialBackupBase, errors);
            // Hyper-V reads a differential base only for backup exports (reference hyperv-wmi.md §2).
            if (options.BackupIntent == BackupIntent.Default)
            {
                errors.Add(new("settings.differential_backup_base",
                    "requires settings.backup_intent PRESERVE_CHAIN or MERGE: a differential export is a backup export"));
            }

            if (string.Equals(options.DifferentialBackupBase, request.SnapshotId, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new("settings.differential_backup_base", "must differ from snapshot_id: a snapshot cannot be its own base"));
            }
        }

        ValidateRequestId(requestId, errors);
        confined = errors.Count == 0 ? request with { ExportDirectory = directory!, ExportRoot = root } : null;
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateDeleteSnapshot(string snapshotId, string? requestId)
    {
        var errors = new List<FieldError>();
        ValidateId("snapshot_id", snapshotId, errors);
        ValidateRequestId(requestId, errors);
        return errors;
    }

    /// <summary>A required id: non-empty, at most <see cref="MaxIdLength"/> characters, no control or bidirectional-control characters, no surrounding spaces.</summary>
    public static void ValidateId(string field, string? value, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(new(field, "is required"));
        }
        else if (value.Length > MaxIdLength)
        {
            errors.Add(new(field, $"is longer than {MaxIdLength} characters ({value.Length})"));
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add(new(field, "contains control characters"));
        }
        else if (BidiControls.Describe(value) is { } bidi)
        {
            errors.Add(new(field, bidi));
        }
        else if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            errors.Add(new(field, "has leading or trailing white space"));
        }
    }

    /// <summary>An optional name: at most <see cref="MaxNameLength"/> characters (Hyper-V's limit), no control or bidirectional-control characters.</summary>
    public static void ValidateName(string field, string? value, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        if (value.Length > MaxNameLength)
        {
            errors.Add(new(field, $"is longer than {MaxNameLength} characters ({value.Length}), Hyper-V's limit"));
        }

        if (value.Any(char.IsControl))
        {
            errors.Add(new(field, "contains control characters"));
        }

        if (BidiControls.Describe(value) is { } bidi)
        {
            errors.Add(new(field, bidi));
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, "is only white space"));
        }
    }

    /// <summary>The idempotency key is optional; when given it follows the id rules.</summary>
    public static void ValidateRequestId(string? requestId, List<FieldError> errors)
    {
        if (requestId is not null)
        {
            ValidateId("request_id", requestId, errors);
        }
    }
}
