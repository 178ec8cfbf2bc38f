using System.Text.Json;
using HvFleet.Hypervisors;
using Microsoft.Data.Sqlite;

namespace HvFleet.Agent.Jobs;

/// <summary>How an <see cref="AgentJob"/> maps to a row of the <see cref="SqliteJobStore"/>'s jobs table and back.</summary>
internal static class SqliteJobRows
{
    /// <summary>Every column of the jobs table, in the order <see cref="Read"/> reads them.</summary>
    public const string Columns =
        "id, kind, state, percent, bytes_done, bytes_total, status_text, created_at, started_at, finished_at, " +
        "error_code, error_summary, error_description, error_family, result_snapshot_ids, result_export_path, " +
        "result_manifest_path, result_bytes, result_files, request_id, target_ids, warnings, backend_job_id, " +
        "backend_job_operation, backend_job_target, payload, export_directory, export_target_existed, sequence";

    /// <summary>Binds every column of <paramref name="job"/> as a <c>$column</c> parameter.</summary>
    public static void Bind(SqliteCommand command, AgentJob job)
    {
        var p = command.Parameters;
        p.AddWithValue("$id", job.Id);
        p.AddWithValue("$kind", (int)job.Kind);
        p.AddWithValue("$state", (int)job.State);
        p.AddWithValue("$percent", job.Percent);
        p.AddWithValue("$bytes_done", job.BytesDone);
        p.AddWithValue("$bytes_total", job.BytesTotal);
        p.AddWithValue("$status_text", (object?)job.StatusText ?? DBNull.Value);
        p.AddWithValue("$created_at", job.CreatedAt.UtcTicks);
        p.AddWithValue("$started_at", (object?)job.StartedAt?.UtcTicks ?? DBNull.Value);
        p.AddWithValue("$finished_at", (object?)job.FinishedAt?.UtcTicks ?? DBNull.Value);
        p.AddWithValue("$error_code", (object?)job.Error?.HyperVCode ?? DBNull.Value);
        p.AddWithValue("$error_summary", (object?)job.Error?.Summary ?? DBNull.Value);
        p.AddWithValue("$error_description", (object?)job.Error?.Description ?? DBNull.Value);
        p.AddWithValue("$error_family", job.Error is null ? DBNull.Value : (int)job.Error.Family);
        p.AddWithValue("$result_snapshot_ids", job.Result is null ? DBNull.Value : ToJson(job.Result.SnapshotIds));
        p.AddWithValue("$result_export_path", (object?)job.Result?.ExportPath ?? DBNull.Value);
        p.AddWithValue("$result_manifest_path", (object?)job.Result?.ManifestPath ?? DBNull.Value);
        p.AddWithValue("$result_bytes", (object?)job.Result?.Bytes ?? DBNull.Value);
        p.AddWithValue("$result_files", (object?)job.Result?.Files ?? DBNull.Value);
        p.AddWithValue("$request_id", (object?)job.RequestId ?? DBNull.Value);
        p.AddWithValue("$target_ids", ToJson(job.TargetIds));
        p.AddWithValue("$warnings", ToJson(job.Warnings));
        p.AddWithValue("$backend_job_id", (object?)job.BackendJob?.JobId ?? DBNull.Value);
        p.AddWithValue("$backend_job_operation", job.BackendJob is null ? DBNull.Value : (int)job.BackendJob.Operation);
        p.AddWithValue("$backend_job_target", (object?)job.BackendJob?.TargetId ?? DBNull.Value);
        p.AddWithValue("$payload", job.Payload);
        p.AddWithValue("$export_directory", (object?)job.ExportDirectory ?? DBNull.Value);
        p.AddWithValue("$export_target_existed", job.ExportTargetExisted ? 1 : 0);
        p.AddWithValue("$sequence", job.Sequence);
    }

    /// <summary>The job in the current row of a <c>SELECT</c> of <see cref="Columns"/>.</summary>
    public static AgentJob Read(SqliteDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTimeOffset? Time(int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero);

        return new AgentJob
        {
            Id = r.GetString(0),
            Kind = (JobKind)r.GetInt32(1),
            State = (JobState)r.GetInt32(2),
            Percent = r.GetInt32(3),
            BytesDone = r.GetInt64(4),
            BytesTotal = r.GetInt64(5),
            StatusText = Text(6),
            CreatedAt = new DateTimeOffset(r.GetInt64(7), TimeSpan.Zero),
            StartedAt = Time(8),
            FinishedAt = Time(9),
            Error = r.IsDBNull(10)
                ? null
                : new JobError((uint)r.GetInt64(10), r.GetString(11), r.GetString(12), (HyperVCodeFamily)r.GetInt32(13)),
            Result = r.IsDBNull(14)
                ? null
                : new JobResult(FromJson(r.GetString(14)), Text(15), Text(16), r.GetInt64(17), r.GetInt32(18)),
            RequestId = Text(19),
            TargetIds = FromJson(r.GetString(20)),
            Warnings = FromJson(r.GetString(21)),
            BackendJob = r.IsDBNull(22)
                ? null
                : new BackendJobReference(r.GetString(22), (BackendOperationKind)r.GetInt32(23), Text(24)),
            Payload = r.GetString(25),
            ExportDirectory = Text(26),
            ExportTargetExisted = r.GetInt32(27) != 0,
            Sequence = r.GetInt64(28),
        };
    }

    private static string ToJson(IReadOnlyList<string> values) =>
        JsonSerializer.Serialize([.. values], JobJsonContext.Default.StringArray);

    private static string[] FromJson(string json) =>
        JsonSerializer.Deserialize(json, JobJsonContext.Default.StringArray) ?? [];
}
